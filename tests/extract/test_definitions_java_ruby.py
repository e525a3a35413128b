"""Java and Ruby definitions beyond classes and methods: fields, enum constants,
annotation types, records, Ruby constants, attributes and aliases; locals stay out."""

from __future__ import annotations

from pathlib import Path

from helpers import extract_one


def definitions(tmp_path: Path, name: str, source: str) -> list[tuple[str, str, int]]:
    record = extract_one(tmp_path, name, source)
    assert record.diagnostics == ()
    return [(s.kind, s.qualname, s.line) for s in record.symbols]


def test_java_fields_one_per_declarator_with_the_name_line(tmp_path: Path) -> None:
    """gson's shapes: ``int a, b;`` is two fields; an annotation on lines of its own
    leaves the field at its name's line, as ctags reports it."""
    assert definitions(
        tmp_path,
        "src/com/google/gson/Gson.java",
        """\
        public final class Gson {
          static final boolean DEFAULT_JSON_NON_EXECUTABLE = false;
          private final int lenient, htmlSafe = 1;
          @SuppressWarnings("unused")
          private final
          Map<TypeToken<?>, TypeAdapter<?>> typeTokenCache;
          public Gson() {}
        }
        """,
    ) == [
        ("class", "Gson", 1),
        ("field", "Gson.DEFAULT_JSON_NON_EXECUTABLE", 2),
        ("field", "Gson.lenient", 3),
        ("field", "Gson.htmlSafe", 3),
        ("field", "Gson.typeTokenCache", 6),
        ("method", "Gson.Gson", 7),
    ]


def test_java_interface_constants_enum_constants_and_annotation_types(
    tmp_path: Path,
) -> None:
    """An interface's constants are its fields; an enum's constants are enumerators, a
    constant's body holds its methods; an ``@interface`` is a class and its elements
    methods (junit's ``Test.timeout``)."""
    assert definitions(
        tmp_path,
        "src/main/java/org/junit/Test.java",
        """\
        public interface Filter {
          int LIMIT = 10, MAX = 20;
          boolean shouldRun(Description description);
        }
        enum FieldNamingPolicy implements FieldNamingStrategy {
          IDENTITY() {
            @Override
            public String translateName(Field f) { return f.getName(); }
          },
          UPPER_CAMEL_CASE;
          private final String separator = "_";
        }
        @Retention(RetentionPolicy.RUNTIME)
        public @interface Timeout {
          long NONE = 0L;
          Class<? extends Throwable> expected() default None.class;
          long timeout() default 0L;
        }
        """,
    ) == [
        ("class", "Filter", 1),
        ("field", "Filter.LIMIT", 2),
        ("field", "Filter.MAX", 2),
        ("method", "Filter.shouldRun", 3),
        ("class", "FieldNamingPolicy", 5),
        ("enumerator", "FieldNamingPolicy.IDENTITY", 6),
        ("method", "FieldNamingPolicy.IDENTITY.translateName", 8),
        ("enumerator", "FieldNamingPolicy.UPPER_CAMEL_CASE", 10),
        ("field", "FieldNamingPolicy.separator", 11),
        ("class", "Timeout", 14),
        ("field", "Timeout.NONE", 15),
        ("method", "Timeout.expected", 16),
        ("method", "Timeout.timeout", 17),
    ]


def test_java_records_are_classes_and_their_components_fields(tmp_path: Path) -> None:
    assert definitions(
        tmp_path,
        "src/test/java/Java17RecordTest.java",
        """\
        class Java17RecordTest {
          private record RecordWithCustomNames(
              @SerializedName("name") String a,
              int b) {
            static final int DEFAULT = 1;
            RecordWithCustomNames {
              Objects.requireNonNull(a);
            }
          }
        }
        """,
    ) == [
        ("class", "Java17RecordTest", 1),
        ("class", "Java17RecordTest.RecordWithCustomNames", 2),
        ("field", "Java17RecordTest.RecordWithCustomNames.a", 3),
        ("field", "Java17RecordTest.RecordWithCustomNames.b", 4),
        ("field", "Java17RecordTest.RecordWithCustomNames.DEFAULT", 5),
        ("method", "Java17RecordTest.RecordWithCustomNames.RecordWithCustomNames", 6),
    ]


def test_java_locals_parameters_and_anonymous_class_fields_stay_out(tmp_path: Path) -> None:
    assert definitions(
        tmp_path,
        "src/Runner.java",
        """\
        class Runner {
          private int count;
          Runner(int start) { int local = start; }
          void run(List<String> names) {
            int total = 0, seen = 0;
            names.forEach(name -> { String upper = name; });
            Object o = new Object() {
              int calls;
            };
            for (String each : names) { total++; }
          }
        }
        """,
    ) == [
        ("class", "Runner", 1),
        ("field", "Runner.count", 2),
        ("method", "Runner.Runner", 3),
        ("method", "Runner.run", 4),
    ]


def test_ruby_constants_at_top_class_and_module_level(tmp_path: Path) -> None:
    """rack's shapes: a constant belongs to the module it is assigned in, or to the one
    it names (``Rack::BUILDER_TOPLEVEL_BINDING``); one of a ``Struct.new`` block to the
    enclosing class."""
    assert definitions(
        tmp_path,
        "lib/rack/utils.rb",
        """\
        RACK_ROOT = __dir__
        module Rack; end
        Rack::BUILDER_TOPLEVEL_BINDING = ->(builder){builder.instance_eval{binding}}
        module Rack
          module Utils
            DEFAULT_SEP = /[&] */n
            KeySpaceConstrainedParams = Struct.new(:limit) do
              NESTED = 1
            end
            COOKIE_SEP, PARAM_SEP = ";", "&"
            RELEASE ||= "3.0"
          end
        end
        """,
    ) == [
        ("constant", "RACK_ROOT", 1),
        ("class", "Rack", 2),
        ("constant", "Rack.BUILDER_TOPLEVEL_BINDING", 3),
        ("class", "Rack", 4),
        ("class", "Rack.Utils", 5),
        ("constant", "Rack.Utils.DEFAULT_SEP", 6),
        ("constant", "Rack.Utils.KeySpaceConstrainedParams", 7),
        ("constant", "Rack.Utils.KeySpaceConstrainedParams.NESTED", 8),
        ("constant", "Rack.Utils.COOKIE_SEP", 10),
        ("constant", "Rack.Utils.PARAM_SEP", 10),
        ("constant", "Rack.Utils.RELEASE", 11),
    ]


def test_ruby_attributes_one_field_per_name_and_aliases(tmp_path: Path) -> None:
    """``attr_accessor :app, :env`` defines two attributes, named as their uses are
    written (a writer ``x`` where ctags says ``x=``); ``alias`` and ``alias_method``
    define methods named without the symbol's colon."""
    assert definitions(
        tmp_path,
        "lib/rack/request.rb",
        """\
        class Request
          attr_accessor :app, :env
          attr_reader "params"
          attr_writer :query_parser
          private attr_reader :hidden
          alias include? has_key?
          alias :old_call :call
          alias_method :to_s, :inspect
          class << self
            attr_accessor :ip_filter
          end
        end
        """,
    ) == [
        ("class", "Request", 1),
        ("field", "Request.app", 2),
        ("field", "Request.env", 2),
        ("field", "Request.params", 3),
        ("field", "Request.query_parser", 4),
        ("field", "Request.hidden", 5),
        ("method", "Request.include?", 6),
        ("method", "Request.old_call", 7),
        ("method", "Request.to_s", 8),
        ("field", "Request.ip_filter", 10),
    ]


def test_ruby_locals_and_block_parameters_stay_out(tmp_path: Path) -> None:
    assert definitions(
        tmp_path,
        "lib/rack/lint.rb",
        """\
        class Lint
          def call(env = nil)
            status, headers = @app.call(env)
            count = 0
            headers.each { |key, value| seen = key }
            @checked = true
            send(:attr_name)
          end
        end
        """,
    ) == [("class", "Lint", 1), ("method", "Lint.call", 2)]
