"""C and C++ definitions a reader looks up besides functions and types: macros, fields,
enumerators, typedefs, file-scope variables, namespaces, prototypes; and member uses that
lead to their field."""

from __future__ import annotations

from pathlib import Path

from helpers import extract_one

LSTATE_H = """\
#ifndef lstate_h
#define lstate_h

#include "lua.h"

#define LUA_NUMBER_FMT "%.14g"
#define setobj(L,obj1,obj2) \\
  { TValue *io1=(obj1); *io1 = *(obj2); (void)L; }

typedef struct CallInfo {
  StkId func, top;
  struct CallInfo *previous, *next;
  union {
    struct { int status; } l;
  } u;
} CallInfo;

struct lua_State {
  CommonHeader;
  StkId top;
  CallInfo *ci;
  void (*hook)(struct lua_State *L, int event);
};

typedef struct { int size; char *data; } Buffer;

enum RESERVED {
  TK_AND = 257, TK_BREAK,
  TK_GOTO
};

LUAI_DDEC(const char *const luaT_typenames_[]);
extern int lua_count;
static const int hidden = 1;

LUA_API int (lua_gettop) (lua_State *L);
int luaE_extendCI (lua_State *L);

#endif
"""


def kinds(record_symbols: object) -> list[tuple[str, str, int]]:
    return [(str(s.kind), s.qualname, s.line) for s in record_symbols]  # type: ignore[attr-defined]


def test_a_header_defines_macros_fields_enumerators_typedefs_variables_and_prototypes(
    tmp_path: Path,
) -> None:
    record = extract_one(tmp_path, "src/lstate.h", LSTATE_H)
    found = kinds(record.symbols)
    assert ("macro", "LUA_NUMBER_FMT", 6) in found
    assert ("macro", "setobj", 7) in found
    macro = next(s for s in record.symbols if s.name == "setobj")
    assert macro.signature == "(L,obj1,obj2)"
    assert [item for item in found if item[1].startswith("CallInfo")] == [
        ("type", "CallInfo", 16),  # the typedef spans the struct, so comes first
        ("class", "CallInfo", 10),
        ("field", "CallInfo.func", 11),
        ("field", "CallInfo.top", 11),
        ("field", "CallInfo.previous", 12),
        ("field", "CallInfo.next", 12),
        ("field", "CallInfo.status", 14),
        ("field", "CallInfo.l", 14),
        ("field", "CallInfo.u", 15),
    ]
    assert [item for item in found if item[1].startswith("lua_State")] == [
        ("class", "lua_State", 18),
        ("field", "lua_State.top", 20),
        ("field", "lua_State.ci", 21),
        ("field", "lua_State.hook", 22),
    ]
    assert ("type", "Buffer", 25) in found
    assert ("field", "Buffer.size", 25) in found, "an unnamed struct's fields: its typedef's"
    assert ("enumerator", "RESERVED.TK_GOTO", 29) in found
    assert ("enumerator", "RESERVED.TK_BREAK", 28) in found
    assert ("variable", "lua_count", 33) in found
    assert ("variable", "hidden", 34) in found
    assert ("prototype", "lua_gettop", 36) in found
    assert ("prototype", "luaE_extendCI", 37) in found


def test_an_include_guard_is_no_definition(tmp_path: Path) -> None:
    record = extract_one(tmp_path, "src/lstate.h", LSTATE_H)
    assert "lstate_h" not in {s.name for s in record.symbols}
    assert "lstate_h" in {ref.name for ref in record.references}, "still a name on its lines"


def test_a_feature_macro_inside_the_file_is_a_definition(tmp_path: Path) -> None:
    record = extract_one(
        tmp_path,
        "conf.h",
        "#include <limits.h>\n#ifndef LUA_USE_C89\n#define LUA_USE_C89\n#endif\n",
    )
    assert kinds(record.symbols) == [("macro", "LUA_USE_C89", 3)]


def test_locals_and_parameters_stay_out(tmp_path: Path) -> None:
    record = extract_one(
        tmp_path,
        "lapi.c",
        """\
        static int counter;
        int lua_gettop (lua_State *L) {
          int n = 0;
          static int calls;
          struct Local { int inner; } local;
          int helper(int);
          for (int i = 0; i < n; i++) calls++;
          return n + counter;
        }
        """,
    )
    assert kinds(record.symbols) == [
        ("variable", "counter", 1),
        ("function", "lua_gettop", 2),
        ("class", "lua_gettop.Local", 5),
        ("field", "lua_gettop.Local.inner", 5),
    ]


def test_cpp_namespaces_fields_and_methods_declared_in_their_class(tmp_path: Path) -> None:
    record = extract_one(
        tmp_path,
        "engine.hpp",
        """\
        namespace engine {
        constexpr int kLimit = 8;
        using Count = unsigned long;
        class Engine {
         public:
          void run();
          static int instances;
         private:
          Count count_ = 0;
          enum class State { Idle, Busy } state_;
        };
        }
        """,
    )
    assert kinds(record.symbols) == [
        ("namespace", "engine", 1),
        ("variable", "engine.kLimit", 2),
        ("type", "engine.Count", 3),
        ("class", "engine.Engine", 4),
        ("prototype", "engine.Engine.run", 6),
        ("field", "engine.Engine.instances", 7),
        ("field", "engine.Engine.count_", 9),
        ("class", "engine.Engine.State", 10),
        ("enumerator", "engine.Engine.State.Idle", 10),
        ("enumerator", "engine.Engine.State.Busy", 10),
        ("field", "engine.Engine.state_", 10),
    ]


def test_member_uses_lead_to_the_field_of_the_declared_type(tmp_path: Path) -> None:
    record = extract_one(
        tmp_path,
        "ldo.c",
        """\
        static CallInfo *current;
        void luaD_hook (lua_State *L, int event) {
          struct CallInfo ci2;
          L->top = L->ci->func + ci2.top + current->top;
          (*L).top = ((lua_State *)ud)->top;
          other->top = 0;
        }
        """,
    )
    members = {
        (ref.line, ref.column): (ref.name, ref.exact, ref.target)
        for ref in record.references
        if ref.target
    }
    assert members[(4, 5)] == ("top", True, "::lua_State.top")
    assert members[(4, 14)] == ("ci", True, "::lua_State.ci")
    assert members[(4, 18)] == ("func", True, "::lua_State.ci.func")
    assert members[(4, 29)] == ("top", True, "::CallInfo.top")
    assert members[(4, 44)] == ("top", True, "::CallInfo.top"), "a file-scope variable"
    assert members[(5, 7)] == ("top", True, "::lua_State.top")
    assert members[(5, 32)] == ("top", True, "::lua_State.top"), "a cast names the type"
    assert members[(6, 9)] == ("top", False, "."), "unknown type: a textual member use"


def test_declarations_behind_export_macros_and_attributes(tmp_path: Path) -> None:
    """lua.h and redismodule.h shapes: an export macro before a parenthesised name, a
    function pointer behind one, a GCC attribute inside a declarator list."""
    record = extract_one(
        tmp_path,
        "api.h",
        """\
        LUA_API lua_State *(lua_newthread) (lua_State *L);
        LUA_API int   (lua_gettop) (lua_State *L);
        LUA_API void  (lua_settop) (lua_State *L, int idx);
        REDISMODULE_API void (*RedisModule_AutoMemory)(RedisModuleCtx *ctx) REDISMODULE_ATTR;
        static const RedisModuleEvent
            RedisModuleEvent_SwapDB = { REDISMODULE_EVENT_SWAPDB, 1 },
            __attribute__ ((deprecated))
            RedisModuleEvent_ReplBackup = { REDISMODULE_EVENT_REPL_BACKUP, 1 },
            RedisModuleEvent_Config = { REDISMODULE_EVENT_CONFIG, 1 };
        typedef LUA_INTEGER lua_Integer;
        """,
    )
    assert kinds(record.symbols) == [
        ("prototype", "lua_newthread", 1),
        ("prototype", "lua_gettop", 2),
        ("prototype", "lua_settop", 3),
        ("variable", "RedisModule_AutoMemory", 4),
        ("variable", "RedisModuleEvent_SwapDB", 6),
        ("variable", "RedisModuleEvent_ReplBackup", 8),
        ("variable", "RedisModuleEvent_Config", 9),
        ("type", "lua_Integer", 10),
    ]


def test_a_guard_after_includes_or_in_a_broken_header_stays_out(tmp_path: Path) -> None:
    after_includes = extract_one(
        tmp_path,
        "atomicvar.h",
        "#include <stdint.h>\n#ifndef __ATOMIC_VAR_H\n#define __ATOMIC_VAR_H\nint a;\n#endif\n",
    )
    assert kinds(after_includes.symbols) == [("variable", "a", 4)]
    broken = extract_one(
        tmp_path,
        "broken.h",
        "#ifndef BROKEN_H\n#define BROKEN_H\n#define LIMIT 4\nint f( {{{\n#endif\n",
    )
    assert broken.diagnostics, "the grammar cannot read it"
    assert kinds(broken.symbols) == [("macro", "LIMIT", 3)]
