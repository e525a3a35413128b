"""JavaScript, TypeScript and TSX definitions beyond classes and functions: class fields,
CommonJS exports, interface members, type aliases, enums, namespaces and signatures; locals
left out."""

from __future__ import annotations

from pathlib import Path

from helpers import extract_one


def definitions(tmp_path: Path, name: str, source: str) -> list[tuple[str, str, int]]:
    record = extract_one(tmp_path, name, source)
    assert not record.diagnostics, record.diagnostics
    return [(s.kind.value, s.qualname, s.line) for s in record.symbols]


def test_javascript_class_fields_public_private_and_static(tmp_path: Path) -> None:
    """koa's and undici's shapes: fields are members of their class, ``#name`` as written;
    accessors and generators are methods."""
    assert definitions(
        tmp_path,
        "lib/pool.js",
        """\
        class Pool extends EventEmitter {
          static defaultSize = 10;
          #closed = false;
          queue = [];
          static #instances;
          get closed() { return this.#closed; }
          set closed(value) { this.#closed = value; }
          *[Symbol.iterator]() {}
          *drain() { yield* this.queue; }
          #release(client) { this.queue.push(client); }
        }
        """,
    ) == [
        ("class", "Pool", 1),
        ("field", "Pool.defaultSize", 2),
        ("field", "Pool.#closed", 3),
        ("field", "Pool.queue", 4),
        ("field", "Pool.#instances", 5),
        ("method", "Pool.closed", 6),
        ("method", "Pool.closed", 7),
        ("method", "Pool.drain", 9),
        ("method", "Pool.#release", 10),
    ]


def test_a_private_field_use_is_a_name_as_written(tmp_path: Path) -> None:
    """``this.#count`` is a use of ``#count``, the field's name, not of a ``count``."""
    record = extract_one(
        tmp_path,
        "counter.js",
        """\
        class Counter {
          #count = 0;
          increment() {
            this.#count += 1;
          }
        }
        """,
    )
    assert [(s.kind.value, s.qualname) for s in record.symbols if s.kind.value == "field"] == [
        ("field", "Counter.#count")
    ]
    assert {(ref.name, ref.line) for ref in record.references} >= {("#count", 2), ("#count", 4)}
    assert "count" not in {ref.name for ref in record.references}


def test_commonjs_exports_are_the_module_definitions(tmp_path: Path) -> None:
    """express's and koa's shapes: what ``exports`` and ``module.exports`` receive is
    defined at its line, a function when it is one; ``module.exports`` itself is no name."""
    assert definitions(
        tmp_path,
        "lib/express.js",
        """\
        var mixin = require('merge-descriptors');
        function createApplication() {
          return mixin(function app(req, res) {}, proto);
        }
        module.exports = createApplication;
        exports.application = proto;
        exports.json = function json(options) {};
        exports.static = serveStatic;
        module.exports.VERSION = '5.0.0';
        exports.Router = class Router {};
        module.exports = {
          createApplication,
          query: function (options) {},
          text(options) {},
          get header() { return this.req.headers; },
          limit: '100kb',
        };
        module.exports = function createServer() {};
        """,
    ) == [
        ("function", "createApplication", 2),
        ("function", "createApplication.app", 3),
        ("variable", "application", 6),
        ("function", "json", 7),
        ("variable", "static", 8),
        ("constant", "VERSION", 9),
        ("class", "Router", 10),
        ("variable", "createApplication", 12),
        ("function", "query", 13),
        ("function", "text", 14),
        ("function", "header", 15),
        ("variable", "limit", 16),
        ("function", "createServer", 18),
    ]


def test_module_level_destructuring_defines_each_name(tmp_path: Path) -> None:
    """Next.js route handlers (``export const { GET, POST } = handlers``); what ``require``
    returns stays an import."""
    assert definitions(
        tmp_path,
        "app/api/auth/route.ts",
        """\
        const { join } = require('node:path');
        export const { GET, POST: post } = handlers;
        const [first, second = 2] = pair;
        """,
    ) == [
        ("constant", "GET", 2),
        ("variable", "post", 2),
        ("variable", "first", 3),
    ]


def test_typescript_interfaces_members_aliases_and_enums(tmp_path: Path) -> None:
    """ky's and zod's shapes: an interface's properties are fields and its method
    signatures methods; a type alias is a type, an object type's members its fields; an
    enum is a class of enumerators."""
    assert definitions(
        tmp_path,
        "source/types/options.ts",
        """\
        export interface Options extends RequestInit {
          readonly prefixUrl?: string;
          retry: RetryOptions | number;
          parseJson(text: string): unknown;
          [key: string]: unknown;
        }
        export type HttpMethod = 'get' | 'post';
        type Hooks = {
          beforeRequest: BeforeRequestHook[];
          afterResponse(response: Response): void;
        };
        export enum ZodFirstPartyTypeKind {
          ZodString = 'ZodString',
          ZodNumber,
        }
        declare const enum Direction { Up = 1 }
        """,
    ) == [
        ("class", "Options", 1),
        ("field", "Options.prefixUrl", 2),
        ("field", "Options.retry", 3),
        ("method", "Options.parseJson", 4),
        ("type", "HttpMethod", 7),
        ("type", "Hooks", 8),
        ("field", "Hooks.beforeRequest", 9),
        ("method", "Hooks.afterResponse", 10),
        ("class", "ZodFirstPartyTypeKind", 12),
        ("enumerator", "ZodFirstPartyTypeKind.ZodString", 13),
        ("enumerator", "ZodFirstPartyTypeKind.ZodNumber", 14),
        ("class", "Direction", 16),
        ("enumerator", "Direction.Up", 16),
    ]


def test_typescript_class_fields_and_constructor_parameter_properties(tmp_path: Path) -> None:
    """ky's errors: declared fields, and constructor parameters with a modifier, which
    TypeScript makes fields of the class; a plain parameter is none."""
    assert definitions(
        tmp_path,
        "source/errors/HTTPError.ts",
        """\
        export class HTTPError<T = unknown> extends Error {
          override name = 'HTTPError' as const;
          public response: KyResponse<T>;
          #cause?: Error;
          constructor(
            public readonly request: KyRequest,
            private options: NormalizedOptions,
            readonly retryCount?: number,
            message = '',
          ) {
            super(message);
          }
        }
        """,
    ) == [
        ("class", "HTTPError", 1),
        ("field", "HTTPError.name", 2),
        ("field", "HTTPError.response", 3),
        ("field", "HTTPError.#cause", 4),
        ("method", "HTTPError.constructor", 5),
        ("field", "HTTPError.request", 6),
        ("field", "HTTPError.options", 7),
        ("field", "HTTPError.retryCount", 8),
    ]


def test_typescript_namespaces_declarations_and_overloads(tmp_path: Path) -> None:
    """zod's ``namespace util`` holds functions, not methods; a signature without a body
    (``declare function``, an overload) is a prototype beside the function."""
    assert definitions(
        tmp_path,
        "src/helpers/util.ts",
        """\
        export namespace util {
          export const isInteger = Number.isInteger;
          export function assertNever(x: never): never { throw new Error(); }
          export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
        }
        declare module Express {
          interface Request { user?: User }
        }
        declare function structuredClone<T>(value: T): T;
        declare const __DEV__: boolean;
        export function parse(input: string): Ast;
        export function parse(input: Buffer): Ast;
        export function parse(input: string | Buffer): Ast { return read(input); }
        """,
    ) == [
        ("namespace", "util", 1),
        ("variable", "util.isInteger", 2),
        ("function", "util.assertNever", 3),
        ("type", "util.Omit", 4),
        ("namespace", "Express", 6),
        ("class", "Express.Request", 7),
        ("field", "Express.Request.user", 7),
        ("prototype", "structuredClone", 9),
        ("constant", "__DEV__", 10),
        ("prototype", "parse", 11),
        ("prototype", "parse", 12),
        ("function", "parse", 13),
    ]


def test_tsx_component_props_and_state(tmp_path: Path) -> None:
    assert definitions(
        tmp_path,
        "src/Counter.tsx",
        """\
        interface CounterProps { initial: number; onChange?(value: number): void }
        export class Counter extends React.Component<CounterProps> {
          state = { count: this.props.initial };
          render() { return <button>{this.state.count}</button>; }
        }
        """,
    ) == [
        ("class", "CounterProps", 1),
        ("field", "CounterProps.initial", 1),
        ("method", "CounterProps.onChange", 1),
        ("class", "Counter", 2),
        ("field", "Counter.state", 3),
        ("method", "Counter.render", 4),
    ]


def test_locals_and_callback_parameters_stay_out(tmp_path: Path) -> None:
    """Variables of functions, arrow functions, methods, callbacks and static blocks, and
    exports assigned inside a function, are locals; only named functions inside are kept."""
    assert definitions(
        tmp_path,
        "test/retry.ts",
        """\
        const server = createServer();
        function setup(port: number) {
          const url = `http://localhost:${port}`;
          type Local = { url: string };
          exports.url = url;
          function helper() {}
        }
        test('retries', async (t) => {
          let attempts = 0;
          const { status } = await ky(server.url);
          server.get('/', (request, response) => { const body = request.body; });
        });
        class Registry {
          static { const seed = Date.now(); }
          register(schema: Schema) { var id = schema.id; }
        }
        """,
    ) == [
        ("variable", "server", 1),
        ("function", "setup", 2),
        ("function", "setup.helper", 6),
        ("class", "Registry", 13),
        ("method", "Registry.register", 15),
    ]


def test_declared_objects_classes_assigned_and_generator_values(tmp_path: Path) -> None:
    """undici's shapes: a ``.d.ts`` declares a constructor as a constant of an object type
    (its members are fields); a class or a generator assigned to a name is defined there."""
    assert definitions(
        tmp_path,
        "types/eventsource.d.ts",
        """\
        export declare const EventSource: {
          prototype: EventSource
          readonly OPEN: 1
        }
        """,
    ) == [
        ("variable", "EventSource", 1),
        ("field", "EventSource.prototype", 2),
        ("field", "EventSource.OPEN", 3),
    ]
    assert definitions(
        tmp_path,
        "lib/core/connect.js",
        """\
        let SessionCache;
        if (global.FinalizationRegistry) {
          SessionCache = class WeakSessionCache {};
        }
        const iterate = async function* (body) {};
        """,
    ) == [
        ("variable", "SessionCache", 1),
        ("class", "SessionCache", 3),
        ("class", "WeakSessionCache", 3),
        ("function", "iterate", 5),
    ]
