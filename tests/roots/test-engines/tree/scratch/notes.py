def scribble():
    pass
