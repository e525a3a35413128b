"""Ruby: classes, modules, methods and their aliases, constants, attributes
(``attr_accessor``), and the files ``require`` loads."""

from __future__ import annotations

from xrefdoc.extract.grammars.grammar import Grammar

# A constant belongs to the class or module it is assigned in, or to the one it names
# (``Rack::VERSION = ...``); one of a block (``Class.new do``) to the block's class, as
# Ruby looks constants up. An attribute is each name an ``attr_*`` call lists, spanning
# its own argument so that two of one line do not nest, under its reader's name (``x``
# for ``attr_writer :x``, which ctags names ``x=``): the name its uses are written with.
# Local variables and block parameters are identifiers, never matched. The wheel's
# ``tags.scm`` is not read: its reference patterns match every identifier and call, a
# match each that defines nothing (they were most of the extraction's time).
_TAGS = """
    (method name: (_) @name) @definition.method
    (singleton_method name: (_) @name) @definition.method
    (alias name: (_) @name) @definition.method
    (setter (identifier) @ignore)
    (class name: [(constant) @name (scope_resolution name: (_) @name)]) @definition.class
    (singleton_class
      value: [(constant) @name (scope_resolution name: (_) @name)]) @definition.class
    (module name: [(constant) @name (scope_resolution name: (_) @name)]) @definition.module
    (assignment left: (constant) @name) @definition.constant
    (operator_assignment left: (constant) @name) @definition.constant
    (assignment left: (left_assignment_list (constant) @name @definition.constant))
    (assignment left: (scope_resolution
      scope: [(constant) @local.scope (scope_resolution name: (constant) @local.scope)]
      name: (constant) @name)) @definition.constant
    (call method: (identifier) @_attr
      (#any-of? @_attr "attr_accessor" "attr_reader" "attr_writer" "attr")
      arguments: (argument_list
        [(simple_symbol) @name (string . (string_content) @name .)] @definition.field))
    (call method: (identifier) @_alias (#eq? @_alias "alias_method")
      arguments: (argument_list . [(simple_symbol) @name
        (string . (string_content) @name .)])) @definition.method
    ; A class's superclass (``class B < A``), and the modules a class or module includes.
    (class superclass: (superclass [(constant) (scope_resolution)] @base)) @bases.of
    (class body: (body_statement (call !receiver method: (identifier) @_include
      (#eq? @_include "include")
      arguments: (argument_list [(constant) (scope_resolution)] @base)))) @bases.of
    (module body: (body_statement (call !receiver method: (identifier) @_include
      (#eq? @_include "include")
      arguments: (argument_list [(constant) (scope_resolution)] @base)))) @bases.of
"""

RUBY = Grammar(
    "tree_sitter_ruby",
    tags=(),
    extra_tags=_TAGS,
    imports="""
        (call method: (identifier) @_require
          (#any-of? @_require "require" "require_relative" "load")
          arguments: (argument_list . (string (string_content) @import)))
    """,
)
