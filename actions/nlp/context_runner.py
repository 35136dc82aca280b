"""medspacy's ConText, run faster with the same results.

ConText costs two things on a long text, and both are cut here without changing one result:

1. **Finding the triggers.** ConText finds its triggers ("denies", "not", "my dad had", "if he
gets") with one spaCy Matcher holding every token-pattern rule. Most rules test a word list on
each token (``{LOWER: {IN: [...]}}``); spaCy evaluates each list in Python on every token, so a
1,000-character text cost about 3 ms whether or not any trigger was there. A rule can only match
if each of its required tokens (not optional) has one of its listed words somewhere in the text.
This matcher checks that against the text's words first and runs a Matcher holding only the
rules that pass (one Matcher per set of rules, cached), in their original order, so the matches
and their order are those of the full Matcher. A text without any finding to qualify gets no
triggers at all: ConText only ever changes findings.

2. **Pairing triggers with findings.** ConText compares every trigger with every finding of the
text (and every trigger with every other), so the work grows with the square of the text. A
trigger's scope never leaves its sentence, so the same comparisons are made sentence by
sentence (sentences that a trigger or a finding straddles are kept together), in the original
order, with medspacy's own ConTextGraph: the same edges, in the same order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from medspacy.common.medspacy_matcher import MedspacyMatcher
from medspacy.common.util import prune_overlapping_matches
from medspacy.context import ConText
from medspacy.context.context_graph import ConTextGraph
from medspacy.context.context_modifier import ConTextModifier
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

# (token attribute, the words one of which that token must be)
Clause = tuple[str, frozenset[str]]
_ATTRS = ("LOWER", "NORM")
_MAX_MATCHERS = 512


def required_words(pattern: list[dict[str, Any]]) -> tuple[Clause, ...]:
    """For each token of a spaCy pattern that must be present once or more: the words (LOWER or
    NORM) it must be one of. Tokens that are optional or tested otherwise add nothing."""
    clauses: list[Clause] = []
    for spec in pattern:
        if spec.get("OP") not in (None, "+"):
            continue
        for attr in _ATTRS:
            value = spec.get(attr)
            if isinstance(value, str):
                words: list[Any] = [value]
            elif isinstance(value, dict) and set(value) == {"IN"}:
                words = list(value["IN"])
            else:
                continue
            if words and all(isinstance(w, str) for w in words):
                clauses.append((attr, frozenset(words)))
    return tuple(clauses)


def split_first_token(pattern: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The same matches as ``pattern``, as one pattern per word of its first token's list.

    spaCy tests a plain ``{LOWER: word}`` in C but calls Python for ``{LOWER: {IN: [...]}}``, on
    every token; the first token is tested on every token of the doc, the later ones only after
    a first-token hit. Only a required first token with a single word list is split (an optional
    one would give the same match twice)."""
    first = pattern[0] if pattern else {}
    if len(first) != 1 or "OP" in first:
        return [pattern]
    (attr, value), = first.items()
    if attr not in _ATTRS or not (isinstance(value, dict) and set(value) == {"IN"}):
        return [pattern]
    words = list(dict.fromkeys(value["IN"]))
    if not words or not all(isinstance(w, str) for w in words):
        return [pattern]
    return [[{attr: word}, *pattern[1:]] for word in words]


class AnchoredMatcher:
    """Drop-in for ConText's MedspacyMatcher (``rule_map`` and ``__call__``)."""

    def __init__(self, inner: MedspacyMatcher, vocab: Vocab, span_group: str) -> None:
        self._inner = inner
        self._vocab = vocab
        self._span_group = span_group
        # Name-mangled parts of MedspacyMatcher: the phrase and regex matchers are cheap and kept.
        self._phrases: Callable[[Doc], list[tuple[int, int, int]]] = (
            inner._MedspacyMatcher__phrase_matcher)
        self._regexes: Callable[[Doc], list[tuple[int, int, int]]] = (
            inner._MedspacyMatcher__regex_matcher)
        self._rules = [(rule_id, rule) for rule_id, rule in inner.rule_map.items()
                       if isinstance(rule.pattern, list)]
        # The words as the StringStore's hashes: a doc's words come out of doc.to_array at once.
        self._requires = [
            tuple((_ATTRS.index(attr), frozenset(vocab.strings.add(w) for w in words))
                  for attr, words in required_words(rule.pattern))
            for _, rule in self._rules]
        self._matchers: dict[tuple[int, ...], Matcher] = {}
        self._lock = threading.Lock()

    @property
    def rule_map(self) -> dict[str, Any]:
        return self._inner.rule_map

    @property
    def rules(self) -> list[Any]:
        return self._inner.rules

    def active_rules(self, doc: Doc) -> tuple[int, ...]:
        """Indexes of the token-pattern rules whose required words all occur in ``doc``."""
        columns = doc.to_array(list(_ATTRS)).T.tolist()
        words = [set(column) for column in columns] if len(doc) else [set(), set()]
        return tuple(i for i, clauses in enumerate(self._requires)
                     if all(not allowed.isdisjoint(words[attr]) for attr, allowed in clauses))

    def _matcher(self, active: tuple[int, ...]) -> Matcher:
        matcher = self._matchers.get(active)
        if matcher is not None:
            return matcher
        with self._lock:
            matcher = Matcher(self._vocab)
            for i in active:  # original order: ties between equal spans resolve as before
                rule_id, rule = self._rules[i]
                matcher.add(rule_id, split_first_token(rule.pattern), on_match=rule.on_match)
            if len(self._matchers) >= _MAX_MATCHERS:
                self._matchers.pop(next(iter(self._matchers)))
            self._matchers[active] = matcher
        return matcher

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        if not len(doc.spans.get(self._span_group, ())):
            return []  # nothing for a trigger to modify
        active = self.active_rules(doc)
        matches = list(self._matcher(active)(doc)) if active else []
        matches += self._phrases(doc)
        matches += self._regexes(doc)
        if self._inner._prune:
            matches = prune_overlapping_matches(matches)
        return matches


class SentenceContext:
    """ConText's ``__call__`` with the trigger/finding comparisons made sentence by sentence."""

    def __init__(self, context: ConText, vocab: Vocab, span_group: str) -> None:
        self.context = context
        self.span_group = span_group
        self.matcher = AnchoredMatcher(context._ConText__matcher, vocab, span_group)
        self._vocab = vocab

    def __call__(self, doc: Doc) -> Doc:
        targets = list(doc.spans[self.span_group])
        modifiers = []
        if targets:
            for match_id, start, end in self.matcher(doc):
                rule = self.matcher.rule_map[self._vocab[match_id].text]
                modifiers.append(ConTextModifier(rule, start, end, doc,
                                                 max_scope=self.context.max_scope))
        edges: list[tuple[Any, ConTextModifier]] = []
        kept: list[ConTextModifier] = []
        if modifiers:
            group_of = _sentence_groups(doc, [(t.start, t.end) for t in targets]
                                        + [m.modifier_span for m in modifiers])
            by_group: dict[int, tuple[list[Any], list[ConTextModifier]]] = {}
            for target in targets:
                by_group.setdefault(group_of[target.start], ([], []))[0].append(target)
            for modifier in modifiers:
                by_group.setdefault(group_of[modifier.modifier_span[0]], ([], []))[1].append(
                    modifier)
            for group in sorted(by_group):
                group_targets, group_modifiers = by_group[group]
                if not group_targets or not group_modifiers:
                    continue
                graph = ConTextGraph(prune_on_modifier_overlap=self.context.prune_on_target_overlap)
                graph.targets = group_targets
                graph.modifiers = group_modifiers
                graph.update_scopes()
                graph.apply_modifiers()
                edges.extend(graph.edges)
                kept.extend(graph.modifiers)
        for target, modifier in edges:
            target._.modifiers += (modifier,)
        if self.context.context_attributes_mapping:
            self.context.set_context_attributes(edges)
        doc._.context_graph = ConTextGraph(targets=targets, modifiers=kept, edges=edges,
                                           prune_on_modifier_overlap=(
                                               self.context.prune_on_target_overlap))
        return doc


def _sentence_groups(doc: Doc, spans: list[tuple[int, int]]) -> list[int]:
    """For each token, the number of its group of sentences: a span that crosses a sentence end
    joins the two sentences into one group."""
    sentence_of = [0] * len(doc)
    ends: list[int] = []
    for number, sent in enumerate(doc.sents):
        sentence_of[sent.start: sent.end] = [number] * (sent.end - sent.start)
        ends.append(sent.end)
    joined = [False] * len(ends)
    for start, end in spans:
        if end - start > 1:
            for number in range(sentence_of[start], sentence_of[end - 1]):
                joined[number] = True
    group = 0
    group_of_sentence = []
    for number in range(len(ends)):
        group_of_sentence.append(group)
        if not joined[number]:
            group += 1
    return [group_of_sentence[number] for number in sentence_of]


__all__ = ["AnchoredMatcher", "SentenceContext", "required_words"]
