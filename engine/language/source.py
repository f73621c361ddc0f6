"""Safe YAML loading that keeps where every value came from.

Numbers written with a fraction become `Decimal` built from their text, so `0.4` is exactly 0.4;
no binary float is ever produced. Every mapping key and value is located (line, column), so a
checker can point at the exact spot in the drafter's file.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from ..errors import AdistemeError
from .findings import Finding

Path_ = tuple  # a path into the document: keys and list indexes

MAX_NODES = 200_000  # guards against alias bombs ("billion laughs")
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SourceError(AdistemeError):
    """The file could not be read as YAML at all."""

    def __init__(self, finding: Finding):
        super().__init__(finding.render(with_source=False))
        self.finding = finding


@dataclass
class Document:
    """A loaded YAML file: plain Python data plus the location of every node."""

    path: str
    data: Any
    lines: list[str]
    value_at: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_at: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    problems: list[Finding] = field(default_factory=list)

    def locate(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the node at `path`, or of its nearest located ancestor."""
        path = tuple(path)
        while True:
            if key and path in self.key_at:
                return self.key_at[path]
            if path in self.value_at:
                return self.value_at[path]
            if not path:
                return (1, 1)
            path = path[:-1]

    def locate_in_value(self, path: Path_, source: str, offset: int) -> tuple[int, int]:
        """Line and column of character `offset` (0-based, of the stripped text) of a string value."""
        import re

        line, col = self.locate(path)
        target = source.strip()
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        start = col - 1 + (1 if col - 1 < len(text) and text[col - 1] in "'\"" else 0)
        rest = text[start:]
        lead = len(rest) - len(rest.lstrip())
        if rest.lstrip().startswith(target):
            return line, start + lead + offset + 1
        # Folded, wrapped or block text: find the token the offset points at, from the value onwards.
        token = re.match(r"\S+", target[offset:])
        if token:
            before = target[:offset].split()
            for ln in range(line, min(line + 60, len(self.lines)) + 1):
                row = self.lines[ln - 1]
                at = row.find(token.group(0), start if ln == line else 0)
                # skip occurrences of the same token earlier in the expression
                while at >= 0 and before and ln == line and row[:at].count(token.group(0)) < target[:offset].count(token.group(0)):
                    at = row.find(token.group(0), at + 1)
                if at >= 0:
                    return ln, at + 1
        return line, col

    def finding(self, path: Path_, message: str, code: str, severity: str = "error", *, key: bool = False) -> Finding:
        line, col = self.locate(path, key=key)
        text = self.lines[line - 1].rstrip("\n") if 0 < line <= len(self.lines) else ""
        return Finding(self.path, line, col, message, code, severity, text)


class _Constructor(yaml.constructor.SafeConstructor):
    def construct_yaml_float(self, node: yaml.ScalarNode) -> Decimal:  # type: ignore[override]
        text = str(node.value).replace("_", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} is not a finite decimal number", node.start_mark
            ) from None
        if not value.is_finite():
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} is not a finite decimal number", node.start_mark
            )
        return value


_Constructor.add_constructor("tag:yaml.org,2002:float", _Constructor.construct_yaml_float)


_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def load_text(text: str, path: str = "<string>") -> Document:
    """Parse YAML text into a located Document. Raises SourceError for unreadable YAML."""
    lines = text.splitlines()
    try:
        try:  # libyaml when present: ten times faster, the same nodes and marks
            root = yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            root = yaml.compose(text, Loader=yaml.SafeLoader)  # the pure loader's own words for the problem
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        src = lines[line - 1] if 0 < line <= len(lines) else ""
        raise SourceError(Finding(path, line, col, f"not valid YAML: {exc.problem}", "yaml-syntax", "error", src)) from None
    except yaml.YAMLError as exc:
        raise SourceError(Finding(path, 1, 1, f"not valid YAML: {exc}", "yaml-syntax")) from None
    doc = Document(path=path, data=None, lines=lines)
    if root is None:
        doc.data = None
        return doc
    builder = _Builder(doc)
    try:
        doc.data = builder.build(root, ())
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        src = lines[line - 1] if 0 < line <= len(lines) else ""
        raise SourceError(Finding(path, line, col, f"not a valid value: {exc.problem}", "yaml-value", "error", src)) from None
    return doc


def load_file(path: str | Path) -> Document:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(Finding(str(path), 1, 1, f"cannot read file: {exc}", "file-unreadable")) from None
    return load_text(text, str(path))


class _Builder:
    def __init__(self, doc: Document):
        self.doc = doc
        self.constructor = _Constructor()
        self.count = 0

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise yaml.constructor.ConstructorError(
                None, None, f"document too large (more than {MAX_NODES} nodes; aliases expand)", node.start_mark
            )
        self.doc.value_at[path] = _mark(node)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
            raise yaml.constructor.ConstructorError(None, None, f"the tag {node.tag!r} is not allowed", node.start_mark)
        if isinstance(node, yaml.MappingNode):
            out: dict = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    # Merges copy whole mappings before they can be counted: a few lines could expand without bound.
                    raise yaml.constructor.ConstructorError(None, None, "merge keys (<<) are not supported; write the keys out", key_node.start_mark)
                key = self.constructor.construct_object(key_node, deep=True)
                if isinstance(key, (dict, list)):
                    raise yaml.constructor.ConstructorError(None, None, "a mapping key must be a plain value", key_node.start_mark)
                if not isinstance(key, str):
                    key = str(key_node.value)  # `no`, `on`, `~`, `2017` as ids are names, not values
                if key in out:
                    line, col = _mark(key_node)
                    text = self.doc.lines[line - 1] if 0 < line <= len(self.doc.lines) else ""
                    self.doc.problems.append(Finding(self.doc.path, line, col, f"duplicate key {key!r} (the later value would silently win)", "duplicate-key", "error", text))
                self.doc.key_at[path + (key,)] = _mark(key_node)
                out[key] = self.build(value_node, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        value = self.constructor.construct_object(node, deep=True)
        if isinstance(value, dt.datetime):
            value = value.date() if value.time() == dt.time() else value
        return value
