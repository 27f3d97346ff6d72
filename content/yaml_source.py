"""campaign.yaml read into plain Python values, remembering the line of every key and
list item, so each problem can send the organiser to the right line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.i18n import Text, _
from content.problems import Problem, Severity

Key = str | int
YamlPath = tuple[Key, ...]
_MERGE_TAG = "tag:yaml.org,2002:merge"
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


def field_name(path: YamlPath) -> str:
    """("posts", 3, "text", "bm") → "posts[3].text.bm"."""
    name = ""
    for key in path:
        name += f"[{key}]" if isinstance(key, int) else (f".{key}" if name else key)
    return name


NAMED = ("posts", "contests", "polls")  # sections whose items the organiser knows by id


def named_field(path: YamlPath, data: object) -> str:
    """The field with a post, contest or poll named by its id: "posts[p03].text.bm"."""
    name = field_name(path)
    if len(path) < 2 or path[0] not in NAMED or not isinstance(path[1], int):
        return name
    items = data.get(str(path[0])) if isinstance(data, dict) else None
    item = items[path[1]] if isinstance(items, list) and 0 <= path[1] < len(items) else None
    ident = item.get("id") if isinstance(item, dict) else None
    if not isinstance(ident, str | int) or not str(ident).strip():
        return name
    return f"{path[0]}[{str(ident).strip()}]" + name.removeprefix(f"{path[0]}[{path[1]}]")


@dataclass(frozen=True)
class YamlDoc:
    file: str
    data: object
    lines: dict[YamlPath, int]  # path → line (1-based) of its key or list item

    def line(self, path: YamlPath) -> int:
        # A missing key is reported where its parent is: that is where it should go.
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)

    def where(self, path: YamlPath) -> str:
        return f"line {self.line(path)}"

    def problem(self, path: YamlPath, message: Text, severity: Severity = "error") -> Problem:
        field, label = field_name(path), named_field(path, self.data)
        return Problem(
            self.file, self.where(path), field, message, severity, "" if label == field else label
        )


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, file: str) -> None:
        self.loader = loader
        self.file = file
        self.lines: dict[YamlPath, int] = {(): 1}
        self.problems: list[Problem] = []
        self._open: set[int] = set()  # nodes being built: an alias to one is a cycle

    def _problem(self, node: Node, path: YamlPath, message: Text) -> None:
        where = f"line {node.start_mark.line + 1}"
        self.problems.append(Problem(self.file, where, field_name(path), message))

    def build(self, node: Node, path: YamlPath) -> object:
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        if id(node) in self._open:
            self._problem(node, path, _("recursive YAML alias"))
            return None
        self._open.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
            if isinstance(node, SequenceNode):
                return self._sequence(node, path)
            return None
        finally:
            self._open.discard(id(node))

    def _mapping(self, node: MappingNode, path: YamlPath) -> dict[str, object]:
        # Duplicates are looked for before merging: a key of its own that overrides one
        # brought in by `<<: *defaults` is what merging is for.
        own: set[str] = set()
        for key_node, _value in node.value:
            key = str(key_node.value)
            if isinstance(key_node, ScalarNode) and key_node.tag != _MERGE_TAG:
                if key in own:
                    self._problem(key_node, (*path, key), _("key “{key}” appears twice", key=key))
                own.add(key)
        self.loader.flatten_mapping(node)
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self._problem(key_node, path, _("a key must be a plain word"))
                continue
            # The key as written: `1:` stays "1" and `on:` stays "on", not True.
            key = str(key_node.value)
            child = (*path, key)
            self.lines[child] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, child)
        return result

    def _sequence(self, node: SequenceNode, path: YamlPath) -> list[object]:
        items: list[object] = []
        for index, item in enumerate(node.value):
            self.lines[(*path, index)] = item.start_mark.line + 1
            items.append(self.build(item, (*path, index)))
        return items

    def _scalar(self, node: ScalarNode, path: YamlPath) -> object:
        # YAML 1.1 reads an unquoted 8:30 as the sexagesimal number 510; in a campaign
        # it is always a time of day.
        if node.tag in _NUMBER_TAGS and ":" in node.value:
            return str(node.value)
        try:
            return self.loader.construct_object(node)
        except ValueError:
            return str(node.value)  # 2026-02-30 and the like: validation says why
        except yaml.constructor.ConstructorError as exc:
            self._problem(node, path, _("unsupported YAML value ({reason})", reason=exc.problem))
            return None


# What PyYAML says (in English, about its parser) and what the organiser reads, with the
# line to look at: where a bracket or a quote was opened, when it is one never closed.
_OPENED = {
    "while parsing a flow sequence": _("a list opened with “[” is never closed with “]”"),
    "while parsing a flow mapping": _("a table opened with “{” is never closed with “}”"),
    "while scanning a quoted scalar": _("a quote opened here is never closed"),
    "while scanning a simple key": _("a line without “:” where a key was expected"),
}
_FOUND = (
    (
        "mapping values are not allowed",
        _("a “:” where none can be: check this line's indentation, or put the value in quotes"),
    ),
    ("found character '\\t'", _("a tab: indent with spaces only")),
    ("found undefined alias", _("an alias (*name) with no anchor (&name) before it")),
    ("expected <block end>", _("the indentation does not match the lines above")),
)


def syntax_problem(file: str, exc: yaml.MarkedYAMLError) -> Problem:
    """A YAML syntax error said in the organiser's language, on the line to fix."""
    context, problem = exc.context or "", exc.problem or ""
    opened = _OPENED.get(context)
    mark = (exc.context_mark if opened else None) or exc.problem_mark or exc.context_mark
    message = opened or next(
        (text for start, text in _FOUND if start in problem),
        _("invalid YAML syntax: check the indentation and the quotes"),
    )
    return Problem(file, f"line {mark.line + 1}" if mark is not None else "", "", message)


def read_yaml(path: Path, file: str) -> tuple[YamlDoc | None, list[Problem]]:
    """The document and the problems met reading it; None when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return None, [Problem(file, "", "", _("the file is not in UTF-8"))]
    except OSError as exc:
        message = _("cannot read the file ({reason})", reason=exc.strerror)
        return None, [Problem(file, "", "", message)]
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, [Problem(file, "", "", _("the file is empty"))]
        builder = _Builder(loader, file)
        data = builder.build(node, ())
    except yaml.MarkedYAMLError as exc:
        return None, [syntax_problem(file, exc)]
    except yaml.YAMLError as exc:
        return None, [Problem(file, "", "", _("invalid YAML syntax ({reason})", reason=str(exc)))]
    finally:
        loader.dispose()
    return YamlDoc(file, data, builder.lines), builder.problems
