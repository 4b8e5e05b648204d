#!/usr/bin/env python3
"""Mutation testing of the healthchecks library (Python standard library only).

Coverage says a line ran; a mutant says whether any test would notice that
line being wrong. This script makes small faults in the library's sources,
one at a time, rebuilds, runs the fast tests and reports which faults no
test noticed (the survivors).

Operators (--operators):
  relational  < <-> <=, > <-> >=, == <-> !=
  negate      the condition of an if, while or for becomes !(condition)
  constant    an integer constant n becomes n + 1 and n - 1 (not 0 - 1)
  error       a result code used as a value (return HC_ERR_X;, an argument,
              an assignment) becomes its neighbour: HC_OK -> the first
              error, HC_IN_PROGRESS -> HC_OK, an error -> the next error
  remove      a statement removed: a flag assignment (x = true; x = false;)
              or an early return (the body of an if or an else)
  logical     one operand of an && or || chain dropped

Where: every function, file-scope initializer and #define of the library's
.c files (--ports adds the ports built on this host, --headers the inline
functions of the public headers). Never in comments, strings, #if and
#include lines, asserts, unevaluated sizeof operands, file-scope typedefs
(types, or the negative-array-size static assertion) and parameter lists
(an array parameter's size means nothing), nor in code the preprocessor
leaves out of every build of the file (an inactive #if branch).

How: the tree is copied once to build/mutate/ (never built in place),
configured with CMake (-O1, no debug information) and built; each mutant is
written into the copy, the build recompiles that one object and relinks the
test programs, and the tests with CTest label unit or fuzz (--labels) run
until one fails: for each file, first the tests that killed most of its
mutants so far, then the quickest. Results:
  killed     a test failed; with --sanitize survivors (the default) also a
             survivor or same-code mutant of the plain build that fails
             under AddressSanitizer + UBSan, as in CI's sanitizer build
  timeout    a test ran past its limit (counted as detected, like killed)
  survived   every test passed: the tests did not notice
  equivalent listed in the reviewed list (test/mutation/equivalent.txt)
             as unable to change behaviour; not run
  same-code  the mutated file compiled to the same objects (and the tests
             pass under the sanitizers): equivalent in this build
  no-compile the mutant does not compile, or draws a compiler warning
             (CI builds with -Werror); not a valid mutant
The score is (killed + timeout) / (killed + timeout + survived).

Exit status: 0, or 1 when --fail-under is given and the score is below it,
or 2 on a usage error or when the unmutated tree fails its own tests.
"""
import argparse
import collections
import fcntl
import fnmatch
import hashlib
import json
import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time

OPERATORS = ("relational", "negate", "constant", "error", "remove", "logical")

# ---------------------------------------------------------------- lexing

PUNCTUATORS = sorted("""
... <<= >>= -> ++ -- << >> <= >= == != && || *= /= %= += -= &= ^= |= ##
[ ] ( ) { } . & * + - ~ ! / % < > ^ | ? : ; = , #
""".split(), key=len, reverse=True)
ASSIGN_OPS = {"=", "*=", "/=", "%=", "+=", "-=", "<<=", ">>=", "&=", "^=", "|="}
INTEGER_RE = re.compile(r"^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)([uU]?[lL]{0,2}|[lL]{1,2}[uU])$")
NUMBER_RE = re.compile(r"\.?\d(?:[eEpP][+-]|[0-9A-Za-z_.])*")
IDENT_RE = re.compile(r"[A-Za-z_]\w*")
ASSERT_NAMES = {"assert", "static_assert", "_Static_assert", "HC_ASSERT"}


class Token:
    __slots__ = ("kind", "text", "start", "end", "line", "macro")

    def __init__(self, kind, text, start, line, macro=None):
        self.kind = kind      # id, num, str, chr, punct
        self.text = text
        self.start = start    # offset in the file
        self.end = start + len(text)
        self.line = line      # 1-based
        self.macro = macro    # name of the #define whose body holds it

    def __repr__(self):
        return "Token(%s %r @%d)" % (self.kind, self.text, self.line)


class Directive:
    __slots__ = ("name", "line", "start", "end")

    def __init__(self, name, line, start, end):
        self.name, self.line, self.start, self.end = name, line, start, end


class Lexed:
    """A C file split into code tokens, #define bodies and directives, with
    a copy of its text in which comments are blanked (for showing lines)."""

    def __init__(self, text):
        self.text = text
        self.code = []        # tokens outside directives
        self.macros = {}      # name -> body tokens (in file order)
        self.directives = []
        self.plain = None     # text with comments replaced by spaces
        self.line_starts = [0]
        for i, ch in enumerate(text):
            if ch == "\n":
                self.line_starts.append(i + 1)
        self._lex()

    def line_of(self, offset):
        lo, hi = 0, len(self.line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    def line_span(self, first, last):
        """Offsets of the start of line @first and the end of line @last."""
        start = self.line_starts[first - 1]
        end = self.line_starts[last] - 1 if last < len(self.line_starts) else len(self.text)
        return start, end

    def _lex(self):
        text = self.text
        plain = list(text)
        n = len(text)
        i = 0
        at_line_start = True
        while i < n:
            ch = text[i]
            if ch == "\n":
                at_line_start = True
                i += 1
                continue
            if ch in " \t\r\f\v":
                i += 1
                continue
            if text.startswith("/*", i):
                j = text.find("*/", i + 2)
                j = n if j < 0 else j + 2
                for k in range(i, j):
                    if plain[k] != "\n":
                        plain[k] = " "
                i = j
                continue
            if text.startswith("//", i):
                j = text.find("\n", i)
                j = n if j < 0 else j
                for k in range(i, j):
                    plain[k] = " "
                i = j
                continue
            if ch == "#" and at_line_start:
                i = self._directive(i, plain)
                at_line_start = True
                continue
            at_line_start = False
            tok, i = self._token(i)
            self.code.append(tok)
        self.plain = "".join(plain)

    def _token(self, i, macro=None):
        text = self.text
        line = self.line_of(i)
        ch = text[i]
        m = IDENT_RE.match(text, i)
        if m:
            word = m.group()
            nxt = text[m.end()] if m.end() < len(text) else ""
            if word in ("L", "u", "U", "u8") and nxt in "\"'":
                return self._quoted(i, m.end(), line, macro)
            return Token("id", word, i, line, macro), m.end()
        m = NUMBER_RE.match(text, i)
        if m:
            return Token("num", m.group(), i, line, macro), m.end()
        if ch in "\"'":
            return self._quoted(i, i, line, macro)
        for p in PUNCTUATORS:
            if text.startswith(p, i):
                return Token("punct", p, i, line, macro), i + len(p)
        return Token("punct", ch, i, line, macro), i + 1

    def _quoted(self, start, quote_at, line, macro):
        text = self.text
        q = text[quote_at]
        j = quote_at + 1
        while j < len(text) and text[j] != q and text[j] != "\n":
            j += 2 if text[j] == "\\" else 1
        j = min(j + 1, len(text))
        return Token("str" if q == '"' else "chr", text[start:j], start, line, macro), j

    def _directive(self, i, plain):
        """A preprocessor line (with its continuations): #define bodies are
        lexed; every directive is recorded for the #if structure."""
        text = self.text
        j = i
        while True:
            k = text.find("\n", j)
            if k < 0:
                end = len(text)
                break
            if text[k - 1] == "\\" or (text[k - 1] == "\r" and text[k - 2] == "\\"):
                j = k + 1
                continue
            end = k
            break
        m = re.compile(r"#\s*(\w*)").match(text, i)
        name = m.group(1) if m else ""
        self.directives.append(Directive(name, self.line_of(i), i, end))
        if name != "define":
            return end
        # Lex the rest of the line, blanking comments in it too.
        body = []
        k = m.end()
        while k < end:
            ch = text[k]
            if ch in " \t\r\\\n":
                k += 1
                continue
            if text.startswith("/*", k):
                c = text.find("*/", k + 2)
                c = len(text) if c < 0 else c + 2
                for x in range(k, c):
                    if plain[x] != "\n":
                        plain[x] = " "
                k = c
                continue
            if text.startswith("//", k):
                for x in range(k, end):
                    plain[x] = " "
                break
            tok, k = self._token(k)
            body.append(tok)
        if not body or body[0].kind != "id":
            return end
        name_tok = body[0]
        rest = body[1:]
        # Function-like macro: its parameter list follows the name at once.
        if rest and rest[0].text == "(" and rest[0].start == name_tok.end:
            depth = 0
            for idx, t in enumerate(rest):
                depth += t.text == "("
                depth -= t.text == ")"
                if depth == 0:
                    rest = rest[idx + 1:]
                    break
        for t in rest:
            t.macro = name_tok.text
        self.macros[name_tok.text] = rest
        return end


# ------------------------------------------------------- structure of code

def match_brackets(toks):
    """Index of the partner of each bracket token (or -1)."""
    partner = [-1] * len(toks)
    stack = []
    pairs = {")": "(", "]": "[", "}": "{"}
    for i, t in enumerate(toks):
        if t.kind != "punct":
            continue
        if t.text in "([{":
            stack.append(i)
        elif t.text in pairs:
            while stack and toks[stack[-1]].text != pairs[t.text]:
                stack.pop()  # unbalanced (should not happen in valid C)
            if stack:
                j = stack.pop()
                partner[i], partner[j] = j, i
    return partner


class Code:
    """Code tokens with their brackets matched, each token's function and
    each brace's kind (function, if, else, while, for, switch, do, init,
    block)."""

    def __init__(self, toks):
        self.toks = toks
        self.partner = match_brackets(toks)
        self.func = [None] * len(toks)
        self.brace_kind = {}
        self.inert = [False] * len(toks)
        depth = 0
        current = None
        for i, t in enumerate(toks):
            if t.text == "{" and t.kind == "punct":
                kind = self._brace_kind(i, depth)
                self.brace_kind[i] = kind
                if depth == 0 and kind == "function":
                    current = self._function_name(i)
                depth += 1
            self.func[i] = current if depth > 0 else None
            if t.text == "}" and t.kind == "punct":
                depth -= 1
                if depth == 0:
                    current = None
        self._mark_inert()

    def _mark_inert(self):
        """Tokens no mutant may touch: asserts, unevaluated sizeof operands,
        parameter lists of declarators at file scope (an array parameter's
        size means nothing), and file-scope typedefs (a type, or the
        negative-array-size static assertion)."""
        toks, partner = self.toks, self.partner

        def mark(a, b):
            for k in range(a, b + 1):
                self.inert[k] = True
        depth = 0
        for i, t in enumerate(toks):
            nxt = toks[i + 1].text if i + 1 < len(toks) else ""
            if t.kind == "id" and t.text in ASSERT_NAMES | {"sizeof"} and nxt == "(" \
                    and partner[i + 1] > 0:
                mark(i, partner[i + 1])
            if t.kind == "punct" and t.text == "{":
                depth += 1
            elif t.kind == "punct" and t.text == "}":
                depth -= 1
            if depth != 0:
                continue
            if t.kind == "id" and t.text == "typedef":
                end = self.statement_end(i)
                if end > 0:
                    mark(i, end)
            elif t.text == "(" and i > 0 and toks[i - 1].kind == "id" and partner[i] > i:
                after = partner[i] + 1
                if after < len(toks) and toks[after].text in ("{", ";", ","):
                    mark(i, partner[i])

    def prev(self, i):
        return self.toks[i - 1].text if i > 0 else ""

    def _opener(self, close):
        """For a ')' at @close, the keyword before its '(' (if, while, ...)."""
        o = self.partner[close]
        return self.toks[o - 1].text if o > 0 else ""

    def _brace_kind(self, i, depth):
        p = self.prev(i)
        if p == ")":
            kw = self._opener(i - 1)
            if kw in ("if", "while", "for", "switch"):
                return kw
            return "function" if depth == 0 else "block"
        if p in ("else", "do"):
            return p
        if p in ("=", ",", "(", "{", "[", "]") or i == 0:
            return "init"
        return "block"

    def _function_name(self, brace):
        close = brace - 1
        o = self.partner[close]
        if o > 0 and self.toks[o - 1].kind == "id":
            return self.toks[o - 1].text
        return None

    def is_if_condition_close(self, i):
        return self.toks[i].text == ")" and self._opener(i) == "if"

    def statement_end(self, i):
        """Index of the ';' ending the statement starting at @i."""
        k = i
        while k < len(self.toks):
            t = self.toks[k].text
            if t in "([{" and self.partner[k] > k:
                k = self.partner[k] + 1
                continue
            if t == ";":
                return k
            if t == "}":
                return -1
            k += 1
        return -1


# --------------------------------------------------------------- mutants

class Mutant:
    __slots__ = ("file", "path", "line", "function", "operator", "start", "end",
                 "replacement", "original", "mutated", "occurrence", "id")

    def identity(self):
        return "|".join((self.file, self.function or "", self.operator,
                         self.original, self.mutated, str(self.occurrence)))

    def apply(self, text):
        return text[:self.start] + self.replacement + text[self.end:]

    def diff(self, width=150):
        """The change on one line: the affected source, trimmed to the part
        around the edit when it is long."""
        a, b = self.original, self.mutated or "(nothing)"
        if len(a) + len(b) + 4 <= width:
            return "%s  =>  %s" % (a, b)
        p = 0
        while p < min(len(a), len(b)) and a[p] == b[p]:
            p += 1
        s = 0
        while s < min(len(a), len(b)) - p and a[-1 - s] == b[-1 - s]:
            s += 1
        keep = 30

        def cut(x):
            lo = max(0, p - keep)
            hi = min(len(x), len(x) - s + keep)
            return ("..." if lo else "") + x[lo:hi] + ("..." if hi < len(x) else "")
        return "%s  =>  %s" % (cut(a), cut(b))

    def as_dict(self):
        return {"id": self.id, "file": self.file, "path": self.path, "line": self.line,
                "function": self.function, "operator": self.operator,
                "original": self.original, "mutated": self.mutated,
                "occurrence": self.occurrence}


def normalize(s):
    return " ".join(s.split())


class Generator:
    """All mutants of one file's text, by operator.

    @param live  None, or a function (line) -> bool telling whether a line
                 is compiled in at least one build of the file.
    @param error_codes  the result-code enumerators, in declaration order.
    @param functions_only  mutate only inside function bodies (headers).
    """

    def __init__(self, path, text, error_codes, live=None, functions_only=False):
        self.path = path
        self.file = os.path.basename(path)
        self.lx = Lexed(text)
        self.code = Code(self.lx.code)
        self.error_codes = list(error_codes)
        self.live = live or (lambda line: True)
        self.functions_only = functions_only
        self.edits = []   # (operator, start, end, replacement, function, line)

    # Where a token may be mutated at all.
    def _mutable_code(self, i):
        t = self.code.toks[i]
        if self.code.inert[i] or not self.live(t.line):
            return False
        return not self.functions_only or self.code.func[i] is not None

    def _edit(self, op, start, end, repl, function, line):
        self.edits.append((op, start, end, repl, function, line))

    def generate(self, operators=OPERATORS):
        seqs = [(self.code, True)]
        if not self.functions_only:
            for name, body in self.lx.macros.items():
                if body and self.live(body[0].line):
                    seqs.append((Code(body), False))
        for code, is_code in seqs:
            for i in range(len(code.toks)):
                if is_code and not self._mutable_code(i):
                    continue
                if not is_code and code.inert[i]:
                    continue
                fn = code.func[i] if is_code else "#define " + code.toks[i].macro
                if "relational" in operators:
                    self._relational(code, i, fn)
                if "constant" in operators:
                    self._constant(code, i, fn)
                if "error" in operators:
                    self._error(code, i, fn)
                if "logical" in operators:
                    self._logical(code, i, fn)
                if is_code and code.func[i] is not None:
                    if "negate" in operators:
                        self._negate(code, i, fn)
                    if "remove" in operators:
                        self._remove(code, i, fn)
        return self._finish()

    REL_SWAP = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "=="}

    def _relational(self, code, i, fn):
        t = code.toks[i]
        if t.kind == "punct" and t.text in self.REL_SWAP:
            self._edit("relational", t.start, t.end, self.REL_SWAP[t.text], fn, t.line)

    def _constant(self, code, i, fn):
        t = code.toks[i]
        if t.kind != "num":
            return
        m = INTEGER_RE.match(t.text)
        if not m:
            return
        digits, suffix = m.group(1), m.group(2)
        if digits[:2] in ("0x", "0X"):
            value, fmt = int(digits, 16), (lambda v: "0x%X" % v if digits[2:].isupper() else "0x%x" % v)
        elif len(digits) > 1 and digits[0] == "0":
            value, fmt = int(digits, 8), (lambda v: "0%o" % v)
        else:
            value, fmt = int(digits), str
        self._edit("constant", t.start, t.end, fmt(value + 1) + suffix, fn, t.line)
        if value > 0:
            self._edit("constant", t.start, t.end, fmt(value - 1) + suffix, fn, t.line)

    def neighbour(self, name):
        codes = [c for c in self.error_codes if c not in ("HC_OK", "HC_IN_PROGRESS")]
        if name == "HC_OK":
            return codes[0] if codes else None
        if name == "HC_IN_PROGRESS":
            return "HC_OK"
        if name in codes:
            return codes[(codes.index(name) + 1) % len(codes)]
        return None

    def _error(self, code, i, fn):
        t = code.toks[i]
        if t.kind != "id" or t.text not in self.error_codes:
            return
        before = code.prev(i)
        after = code.toks[i + 1].text if i + 1 < len(code.toks) else ""
        # A value, not a comparison, a case label or an enumerator.
        if before in ("==", "!=", "case") or after in ("==", "!=", "="):
            return
        repl = self.neighbour(t.text)
        if repl:
            self._edit("error", t.start, t.end, repl, fn, t.line)

    def _negate(self, code, i, fn):
        t = code.toks[i]
        if t.kind != "id" or t.text not in ("if", "while", "for"):
            return
        if i + 1 >= len(code.toks) or code.toks[i + 1].text != "(":
            return
        o, c = i + 1, code.partner[i + 1]
        if c < 0:
            return
        if t.text == "for":
            semis = [k for k in range(o + 1, c) if code.toks[k].text == ";"
                     and self._depth_between(code, o, k) == 0]
            if len(semis) != 2 or semis[1] == semis[0] + 1:
                return
            first, last = semis[0] + 1, semis[1] - 1
        else:
            first, last = o + 1, c - 1
            if first > last:
                return
        a, b = code.toks[first].start, code.toks[last].end
        cond = self.lx.text[a:b]
        self._edit("negate", a, b, "!(" + cond + ")", fn, code.toks[first].line)

    @staticmethod
    def _depth_between(code, o, k):
        depth = 0
        for x in range(o + 1, k):
            tx = code.toks[x].text
            if tx in "([{":
                depth += 1
            elif tx in ")]}":
                depth -= 1
        return depth

    def _unbraced_body_start(self, code, i):
        """True if the statement at @i is the whole body of an if or else."""
        p = code.prev(i)
        return p == "else" or (p == ")" and code.is_if_condition_close(i - 1))

    def _remove(self, code, i, fn):
        t = code.toks[i]
        toks = code.toks
        if t.text == "return" and t.kind == "id":
            end = code.statement_end(i)
            if end < 0:
                return
            if self._unbraced_body_start(code, i):
                self._edit("remove", t.start, toks[end].end, "{}", fn, t.line)
                return
            # The last statement of a braced if or else body.
            if end + 1 < len(toks) and toks[end + 1].text == "}":
                kind = code.brace_kind.get(code.partner[end + 1])
                if kind in ("if", "else"):
                    self._edit("remove", t.start, toks[end].end, "", fn, t.line)
            return
        # A flag assignment: lvalue = true; or lvalue = false;
        if t.kind != "id" or t.text in ("return", "else", "case", "default"):
            return
        p = code.prev(i)
        unbraced = self._unbraced_body_start(code, i)
        if not (unbraced or p in (";", "{", "}")):
            return
        k = i + 1
        while k < len(toks):
            tk = toks[k].text
            if tk in (".", "->") and k + 1 < len(toks) and toks[k + 1].kind == "id":
                k += 2
            elif tk == "[" and code.partner[k] > k:
                k = code.partner[k] + 1
            else:
                break
        if k + 2 < len(toks) and toks[k].text == "=" and toks[k + 1].text in ("true", "false") \
                and toks[k + 2].text == ";":
            self._edit("remove", t.start, toks[k + 2].end, "{}" if unbraced else "", fn, t.line)

    STOP = {"?", ":", ",", ";", "{", "}", "return", "case"} | ASSIGN_OPS

    def _operand(self, code, i, step, op):
        """Token range of the operand of the && or || at @i on one side."""
        stop = self.STOP | ({"||"} if op == "||" else {"||", "&&"})
        k = i + step
        last = i
        while 0 <= k < len(code.toks):
            tx = code.toks[k].text
            if code.toks[k].kind == "punct":
                if (step < 0 and tx in ")]") or (step > 0 and tx in "(["):
                    j = code.partner[k]
                    if j < 0:
                        return None
                    last = j
                    k = j + step
                    continue
                if tx in "([{)]}":
                    break
            if tx in stop and code.toks[k].kind != "str":
                break
            last = k
            k += step
        if last == i:
            return None
        return (last, i - 1) if step < 0 else (i + 1, last)

    def _logical(self, code, i, fn):
        t = code.toks[i]
        if t.kind != "punct" or t.text not in ("&&", "||"):
            return
        left = self._operand(code, i, -1, t.text)
        right = self._operand(code, i, +1, t.text)
        if not left or not right:
            return
        toks = code.toks
        # Drop the left operand with the operator, or the operator with the
        # right operand.
        self._edit("logical", toks[left[0]].start, toks[right[0]].start, "", fn, t.line)
        self._edit("logical", toks[left[1]].end, toks[right[1]].end, "", fn, t.line)

    def _finish(self):
        text = self.lx.text
        plain = self.lx.plain
        seen = set()
        out = []
        for op, start, end, repl, fn, _ in sorted(self.edits, key=lambda e: (e[1], e[2], e[3])):
            first = self.lx.line_of(start)
            last = self.lx.line_of(max(start, end - 1))
            a, b = self.lx.line_span(first, last)
            original = normalize(plain[a:b])
            mutated = normalize(plain[a:start] + repl + plain[end:b])
            if original == mutated:
                continue
            key = (first, last, mutated)  # a chain's operand dropped two ways
            if key in seen:
                continue
            seen.add(key)
            m = Mutant()
            m.file, m.path, m.line, m.function, m.operator = self.file, self.path, first, fn, op
            m.start, m.end, m.replacement = start, end, repl
            m.original, m.mutated = original, mutated
            out.append(m)
        counts = collections.Counter()
        for m in out:
            key = (m.function, m.operator, m.original, m.mutated)
            counts[key] += 1
            m.occurrence = counts[key]
            m.id = hashlib.sha1(m.identity().encode()).hexdigest()[:10]
        return out


def error_codes_from(header_text):
    """The enumerators of hc_err_t, in order, without the count."""
    m = re.search(r"typedef\s+enum\s+\w*\s*\{(.*?)\}\s*hc_err_t\s*;", header_text, re.S)
    if not m:
        return []
    body = Lexed(m.group(1)).code
    names = [t.text for k, t in enumerate(body) if t.kind == "id"
             and (k == 0 or body[k - 1].text == ",")]
    return [n for n in names if not n.endswith("__COUNT")]


# ------------------------------------------------------- equivalent list

class Equivalents:
    """The reviewed list of equivalent mutants. One block per mutant:

        <file> <function> <operator> [#occurrence]
        - <original source, whitespace collapsed>
        + <mutated source>
        why: <the reason, continued on indented lines>

    blocks separated by blank lines; '#' starts a comment line."""

    def __init__(self, path):
        self.path = path
        self.entries = {}   # identity -> reason
        self.errors = []
        if path and os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                self._parse(f.read())

    def _parse(self, text):
        block = []
        lines = text.split("\n") + [""]
        for n, line in enumerate(lines, 1):
            if line.startswith("#"):
                continue
            if line.strip():
                block.append((n, line))
                continue
            if block:
                self._block(block)
                block = []

    def _block(self, block):
        n, head = block[0]
        parts = head.split()
        occurrence = 1
        if parts and re.fullmatch(r"#\d+", parts[-1]):
            occurrence = int(parts.pop()[1:])
        def marked(line, sign):   # "- text", or a bare sign for nothing
            return line == sign or line.startswith(sign + " ")
        if len(parts) < 3 or len(block) < 4 or not marked(block[1][1], "-") \
                or not marked(block[2][1], "+") or not block[3][1].startswith("why:"):
            self.errors.append("%s:%d: expected 'file function operator', '- original', "
                               "'+ mutated', 'why: reason'" % (self.path, n))
            return
        file, operator, function = parts[0], parts[-1], " ".join(parts[1:-1])
        if function == "-":
            function = ""
        reason = " ".join([block[3][1][4:].strip()] + [l.strip() for _, l in block[4:]])
        if not reason:
            self.errors.append("%s:%d: an equivalent mutant needs its reason" % (self.path, n))
            return
        identity = "|".join((file, function, operator, normalize(block[1][1][2:]),
                             normalize(block[2][1][2:]), str(occurrence)))
        self.entries[identity] = reason

    @staticmethod
    def block(m, reason="TODO: why no test can tell this mutant apart"):
        head = "%s %s %s" % (m.file, m.function or "-", m.operator)
        if m.occurrence > 1:
            head += " #%d" % m.occurrence
        return "%s\n- %s\n%s\nwhy: %s\n" % (head, m.original, ("+ " + m.mutated).rstrip(), reason)

    def reason(self, m):
        return self.entries.get(m.identity())


# ------------------------------------------------------------- workspace

class BuildError(Exception):
    pass


def run(cmd, cwd=None, quiet=True):
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    if p.returncode != 0 and not quiet:
        sys.stderr.write(p.stdout)
    return p


def tree_files(root):
    """The files of the tree: git's tracked and untracked-not-ignored files,
    or everything outside build/ and .git/ without git."""
    p = subprocess.run(["git", "-C", root, "ls-files", "-co", "--exclude-standard", "-z"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    if p.returncode == 0:
        names = [n for n in p.stdout.decode().split("\0") if n]
        return sorted(n for n in names if os.path.isfile(os.path.join(root, n)))
    out = []
    for d, dirs, files in os.walk(root):
        rel = os.path.relpath(d, root)
        if rel == ".":
            dirs[:] = [x for x in dirs if x not in ("build", ".git")]
        out += [os.path.normpath(os.path.join(rel, f)) for f in files]
    return sorted(out)


class Test:
    def __init__(self, name, command, cwd, env, skip_code, target):
        self.name, self.command, self.cwd, self.env = name, command, cwd, env
        self.skip_code, self.target = skip_code, target
        self.baseline = 0.0


class Workspace:
    """A private copy of the tree with its own CMake build."""

    def __init__(self, repo, directory, labels, sanitize=False, build_jobs=2, log=None):
        self.repo = repo
        self.dir = directory
        self.src = os.path.join(directory, "src")
        self.build = os.path.join(directory, "build")
        self.labels = re.compile(labels)
        self.sanitize = sanitize
        self.build_jobs = build_jobs
        self.log = log or (lambda s: None)
        self.tests = []
        self.current = {}     # relative path -> text written last
        self.mtime = {}
        self.baseline_objects = {}
        self.timeout_factor = 5.0
        self.timeout_min = 2.0

    # -- the copy
    def sync(self):
        os.makedirs(self.src, exist_ok=True)
        wanted = set(tree_files(self.repo))
        for rel in sorted(wanted):
            a = os.path.join(self.repo, rel)
            b = os.path.join(self.src, rel)
            with open(a, "rb") as f:
                data = f.read()
            if os.path.exists(b):
                with open(b, "rb") as f:
                    if f.read() == data:
                        continue
            os.makedirs(os.path.dirname(b), exist_ok=True)
            # A fresh mtime: a file left mutated by an interrupted run was
            # built after the original's mtime, so keeping that mtime would
            # keep the mutant's objects.
            shutil.copy(a, b)
        for d, _, files in os.walk(self.src):
            for f in files:
                rel = os.path.relpath(os.path.join(d, f), self.src)
                if rel not in wanted:
                    os.remove(os.path.join(d, f))

    def configure(self):
        args = ["cmake", "-S", self.src, "-B", self.build,
                "-DCMAKE_BUILD_TYPE=", "-DCMAKE_C_FLAGS=-O1", "-DHC_WERROR=OFF",
                "-DHC_BUILD_EXAMPLES=OFF", "-DHC_BUILD_BENCH=OFF",
                "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON",
                "-DHC_SANITIZE=" + ("ON" if self.sanitize else "OFF")]
        if shutil.which("ninja") and not os.path.exists(os.path.join(self.build, "Makefile")):
            args += ["-G", "Ninja"]
        p = run(args)
        if p.returncode != 0:
            raise BuildError("cmake configure failed in %s:\n%s" % (self.build, p.stdout[-4000:]))

    def compile_commands(self, rel):
        path = os.path.join(self.build, "compile_commands.json")
        with open(path) as f:
            entries = json.load(f)
        full = os.path.realpath(os.path.join(self.src, rel))
        return [e for e in entries
                if os.path.realpath(os.path.join(e["directory"], e["file"])) == full]

    def objects(self, rel):
        out = []
        for e in self.compile_commands(rel):
            if "output" in e:
                out.append(os.path.join(e["directory"], e["output"]))
                continue
            args = shlex.split(e["command"]) if "command" in e else e["arguments"]
            if "-o" in args:
                out.append(os.path.join(e["directory"], args[args.index("-o") + 1]))
        return out

    def live_lines(self, rel, text):
        """A function (line) -> bool: false for the lines of a #if branch
        that no build of the file compiles. Each branch gets a marker line
        and the file is preprocessed with each of its compile commands."""
        lx = Lexed(text)
        stack = []     # open branch region indices
        regions = []   # [first line, last line]
        for d in lx.directives:
            if d.name in ("if", "ifdef", "ifndef"):
                regions.append([d.line, None])
                stack.append(len(regions) - 1)
            elif d.name in ("elif", "else") and stack:
                regions[stack[-1]][1] = d.line - 1
                regions.append([d.line, None])
                stack[-1] = len(regions) - 1
            elif d.name == "endif" and stack:
                regions[stack.pop()][1] = d.line - 1
        commands = self.compile_commands(rel)
        if not commands:   # not built here: nothing of it is live
            return lambda line: False
        if not regions:
            return lambda line: True
        lines = text.split("\n")
        marked = list(lines)
        for k, (first, _) in enumerate(regions):
            # after the directive (and its continuation lines)
            at = first - 1
            while marked[at].rstrip().endswith("\\"):
                at += 1
            marked[at] = marked[at] + "\n__hc_mutate_region_%d__" % k
        active = set()
        tmp = os.path.join(self.dir, "preprocess.c")
        with open(tmp, "w") as f:
            f.write("\n".join(marked))
        for e in commands:
            args = shlex.split(e["command"]) if "command" in e else list(e["arguments"])
            cmd, skip = [], False
            for a in args:
                if skip:
                    skip = False
                    continue
                if a in ("-o", "-MT", "-MF", "-MQ"):
                    skip = True
                    continue
                if a in ("-c", "-MD", "-MMD") or a == e["file"]:
                    continue
                cmd.append(a)
            cmd += ["-iquote", os.path.dirname(os.path.join(self.src, rel)), "-E", "-P", tmp]
            p = run(cmd, cwd=e["directory"])
            active.update(int(k) for k in re.findall(r"__hc_mutate_region_(\d+)__", p.stdout))
        dead = [(a, b) for k, (a, b) in enumerate(regions) if k not in active and b]
        return lambda line: not any(a <= line <= b for a, b in dead)

    # -- building and testing
    def _build_targets(self, targets):
        if os.path.exists(os.path.join(self.build, "build.ninja")) and shutil.which("ninja"):
            cmd = ["ninja", "-C", self.build, "-j", str(self.build_jobs)] + sorted(set(targets))
        else:
            cmd = ["cmake", "--build", self.build, "-j", str(self.build_jobs)]
            if targets:
                cmd += ["--target"] + sorted(set(targets))
        return run(cmd)

    def prepare(self):
        """Copy, configure, build everything once, find the tests, run them
        unmutated (all must pass: their times set the limits) and keep the
        objects for the same-code check."""
        self.log("workspace %s: copying the tree and building" % self.dir)
        self.sync()
        self.configure()
        p = self._build_targets([])
        if p.returncode != 0:
            raise BuildError("the unmutated tree does not build in %s:\n%s"
                             % (self.build, p.stdout[-4000:]))
        self.tests = self._find_tests()
        if not self.tests:
            raise BuildError("no tests match the labels %r" % self.labels.pattern)
        p = self._build_targets([t.target for t in self.tests if t.target])
        for t in self.tests:
            start = time.monotonic()
            status = self._run_test(t, 600.0)
            t.baseline = time.monotonic() - start
            if status != "pass":
                raise BuildError("the unmutated tree fails %s (%s) in %s"
                                 % (t.name, status, self.build))

    def _find_tests(self):
        p = run(["ctest", "--test-dir", self.build, "--show-only=json-v1"])
        if p.returncode != 0:
            p = run(["ctest", "--show-only=json-v1"], cwd=self.build)
        data = json.loads(p.stdout[p.stdout.index("{"):])
        tests = []
        for t in data.get("tests", []):
            props = {x["name"]: x["value"] for x in t.get("properties", [])}
            labels = props.get("LABELS", [])
            if not any(self.labels.search(l) for l in labels):
                continue
            if props.get("DISABLED") or "command" not in t:
                continue
            env = dict(os.environ)
            for kv in props.get("ENVIRONMENT", []):
                k, _, v = kv.partition("=")
                env[k] = v
            exe = t["command"][0]
            target = None
            if os.path.realpath(exe).startswith(os.path.realpath(self.build) + os.sep):
                target = os.path.basename(exe)
            tests.append(Test(t["name"], t["command"], props.get("WORKING_DIRECTORY", self.build),
                              env, props.get("SKIP_RETURN_CODE"), target))
        return tests

    def _run_test(self, t, limit, retries=1):
        """Run one test: pass, fail or timeout. A test stopped at its limit
        having used under half of it in CPU time was starved by a busy
        machine rather than looping: it runs again with three times the
        limit, once."""
        try:
            p = subprocess.Popen(t.command, cwd=t.cwd, env=t.env, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 start_new_session=True)
        except OSError:
            return "fail"
        try:
            rc = p.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            _, _, usage = os.wait4(p.pid, 0)
            p.returncode = -signal.SIGKILL
            if retries and usage.ru_utime + usage.ru_stime < 0.5 * limit:
                return self._run_test(t, 3 * limit, retries - 1)
            return "timeout"
        if rc == 0 or (t.skip_code is not None and rc == t.skip_code):
            return "pass"
        return "fail"

    def save_objects(self, rel):
        objs = {}
        for o in self.objects(rel):
            if os.path.exists(o):
                with open(o, "rb") as f:
                    objs[o] = f.read()
        self.baseline_objects[rel] = objs

    def write(self, rel, text):
        path = os.path.join(self.src, rel)
        if self.current.get(rel) == text:
            return
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        # A strictly later mtime each time, or make could miss a change.
        ns = max(time.time_ns(), self.mtime.get(rel, 0) + 1000000)
        os.utime(path, ns=(ns, ns))
        self.mtime[rel] = ns
        self.current[rel] = text

    def restore(self, rel, original):
        self.write(rel, original)

    def try_mutant(self, m, original, order):
        """Build the mutant and run the tests in @order until one fails.
        @return (status, test name or detail)."""
        rel = m.path
        self.write(rel, m.apply(original))
        p = self._build_targets([t.target for t in self.tests if t.target])
        output = p.stdout.replace(self.src + os.sep, "")
        if p.returncode != 0:
            return "no-compile", first_line(output, "error:") or "build failed"
        warning = first_line(output, "warning:")
        if warning:
            return "no-compile", warning
        base = self.baseline_objects.get(rel)
        if base:
            same = True
            for o, data in base.items():
                try:
                    with open(o, "rb") as f:
                        same = f.read() == data
                except OSError:
                    same = False
                if not same:
                    break
            if same:
                return "same-code", ""
        for t in order(self.tests):
            limit = max(self.timeout_min, self.timeout_factor * t.baseline)
            status = self._run_test(t, limit)
            if status == "fail":
                return "killed", t.name
            if status == "timeout":
                return "timeout", t.name
        return "survived", ""


def first_line(output, needle):
    for line in output.splitlines():
        if needle in line:
            return line.strip()[:200]
    return ""


# ----------------------------------------------------------------- runner

class Runner:
    """Runs mutants on one or more workspaces (one thread each), ordering
    the tests for each file by how many of its mutants they killed so far,
    so a killing test usually runs first."""

    def __init__(self, log=None):
        self.log = log or (lambda s: None)
        self.kills = collections.defaultdict(collections.Counter)  # file -> test -> kills
        self.lock = threading.Lock()

    def order(self, file):
        def by_kills(tests):
            with self.lock:
                k = self.kills[file]
                stem = re.sub(r"^hc_(port_)?", "", os.path.splitext(file)[0])
                return sorted(tests, key=lambda t: (-k[t.name], stem not in t.name, t.baseline))
        return by_kills

    def run(self, mutants, originals, workspaces, on_result):
        queue = collections.deque(mutants)
        results = {}
        total = len(mutants)
        done = [0]

        def worker(ws):
            held = None   # the file this workspace has mutated
            while True:
                with self.lock:
                    if not queue:
                        break
                    m = queue.popleft()
                if held and held != m.path:
                    ws.restore(held, originals[held])
                held = m.path
                start = time.monotonic()
                status, detail = ws.try_mutant(m, originals[m.path], self.order(m.file))
                secs = time.monotonic() - start
                with self.lock:
                    if status == "killed":
                        self.kills[m.file][detail] += 1
                    results[m.id] = (status, detail, secs)
                    done[0] += 1
                    on_result(done[0], total, m, status, detail, secs)
            if held:
                ws.restore(held, originals[held])

        threads = [threading.Thread(target=worker, args=(ws,)) for ws in workspaces]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return results


def source_files(repo, ports, headers):
    core = os.path.join("components", "healthchecks")
    files = sorted(os.path.join(core, "src", f) for f in os.listdir(os.path.join(repo, core, "src"))
                   if f.endswith(".c"))
    if ports:
        for d, _, fs in sorted(os.walk(os.path.join(repo, "port"))):
            files += sorted(os.path.relpath(os.path.join(d, f), repo) for f in fs if f.endswith(".c"))
    if headers:
        inc = os.path.join(core, "include", "healthchecks")
        files += sorted(os.path.join(inc, f) for f in os.listdir(os.path.join(repo, inc))
                        if f.endswith(".h"))
    return files


def select(mutants, files=None, only=None):
    """The mutants of files matching @files (globs) and ids starting with
    one of @only (each a list of comma-separated values)."""
    if files:
        pats = [p for x in files for p in x.split(",") if p]
        mutants = [m for m in mutants if any(fnmatch.fnmatch(m.file, p) or fnmatch.fnmatch(m.path, p)
                                             for p in pats)]
    if only:
        ids = {x for o in only for x in o.split(",") if x}
        mutants = [m for m in mutants if any(m.id.startswith(i) for i in ids)]
    return mutants


def summarize(mutants, results, excluded):
    """Per-file and overall counts. @results: id -> (status, detail, secs)."""
    cols = ("killed", "timeout", "survived", "equivalent", "same-code", "no-compile")
    rows = collections.OrderedDict()
    for m in mutants:
        rows.setdefault(m.file, collections.Counter())
    for m in excluded:
        rows.setdefault(m.file, collections.Counter())["equivalent"] += 1
    for m in mutants:
        if m.id in results:
            rows[m.file][results[m.id][0]] += 1
    total = collections.Counter()
    for c in rows.values():
        total.update(c)
    return cols, rows, total


def score(c):
    detected = c["killed"] + c["timeout"]
    valid = detected + c["survived"]
    return 100.0 * detected / valid if valid else None


def table(cols, rows, total):
    head = ["file", "mutants"] + list(cols) + ["score"]
    lines = []

    def row(name, c):
        n = sum(c[k] for k in cols)
        s = score(c)
        return [name, str(n)] + [str(c[k]) for k in cols] + ["-" if s is None else "%.1f %%" % s]
    body = [row(f, c) for f, c in sorted(rows.items())] + [row("all", total)]
    widths = [max(len(r[i]) for r in [head] + body) for i in range(len(head))]
    fmt = lambda r: "| " + " | ".join(x.ljust(w) if i == 0 else x.rjust(w)
                                      for i, (x, w) in enumerate(zip(r, widths))) + " |"
    lines.append(fmt(head))
    lines.append("|" + "|".join("-" * (w + 2) if i == 0 else "-" * (w + 1) + ":"
                                for i, w in enumerate(widths)) + "|")
    lines += [fmt(r) for r in body]
    return "\n".join(lines)


def partition(everything, equivalents, operators, files=None, only=None, sample=None, seed="1"):
    """Which mutants run. @return (chosen, excluded, stale): the mutants to
    run, the selected ones the reviewed list excludes, and the list's
    entries that match no mutant at all (matched against every mutant, so
    a stale entry shows whatever subset runs)."""
    matched = {m.identity() for m in everything if equivalents.reason(m)}
    stale = [i for i in equivalents.entries if i not in matched]
    picked = [m for m in select(everything, files, only) if m.operator in operators]
    excluded = [m for m in picked if equivalents.reason(m)]
    chosen = [m for m in picked if not equivalents.reason(m)]
    if sample is not None and sample < len(chosen):
        # A sample draws from the mutants that are not listed equivalent.
        keep = set(id(m) for m in random.Random(str(seed)).sample(chosen, sample))
        chosen = [m for m in chosen if id(m) in keep]
        excluded = []
    chosen.sort(key=lambda m: (m.path, m.start, m.end))
    return chosen, excluded, stale


def render(chosen, results, excluded, stale, timing):
    """The human report: the per-file table, the counts per operator, the
    timing, the survivors (file:line, operator, function, id, diff) and the
    score."""
    cols, rows, total = summarize(chosen, results, excluded)
    by_op = collections.Counter(m.operator for m in chosen)
    out = [table(cols, rows, total), ""]
    out.append("by operator: " + ", ".join("%s %d" % (o, by_op[o]) for o in OPERATORS if by_op[o]))
    if timing:
        out.append(timing)
    if excluded:
        out.append("%d mutants excluded as listed equivalent (%s)" % (
            len(excluded), ", ".join("%s %d" % kv for kv in sorted(
                collections.Counter(m.file for m in excluded).items()))))
    if stale:
        out.append("%d stale equivalent entries (they match no mutant: review the list):" % len(stale))
        out += ["  " + x for x in stale]
    survivors = [m for m in chosen if results.get(m.id, ("",))[0] == "survived"]
    if survivors:
        out += ["", "survivors:"]
        out += ["  %s:%d  %s  %s  [%s]  %s" % (m.file, m.line, m.operator, m.function or "-",
                                              m.id, m.diff()) for m in survivors]
    s = score(total)
    out += ["", "score: %s" % ("-" if s is None else "%.1f %%" % s)]
    return "\n".join(out), s, rows, total


def prepare_all(workspaces, files):
    for ws in workspaces:
        ws.prepare()
        for rel in files:
            if not rel.endswith(".h"):
                ws.save_objects(rel)


def main(argv=None):
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n\n".join(__doc__.split("\n\n")[1:]))
    ap.add_argument("--files", action="append", metavar="GLOB",
                    help="only these files (basename or path globs, comma-separated)")
    ap.add_argument("--operators", default=",".join(OPERATORS),
                    help="comma-separated subset of: " + ", ".join(OPERATORS))
    ap.add_argument("--only", action="append", metavar="ID", help="only these mutant ids (prefixes)")
    ap.add_argument("--sample", type=int, metavar="N", help="a random sample of N mutants")
    ap.add_argument("--seed", default="1", help="the sample's seed (default 1)")
    ap.add_argument("--jobs", type=int, default=1, help="mutants built and tested at once (default 1)")
    ap.add_argument("--list", action="store_true", help="print the mutants, run nothing")
    ap.add_argument("--entry", action="append", metavar="ID",
                    help="print the equivalent-list block of these mutants, run nothing")
    ap.add_argument("--ports", action="store_true", help="also mutate the ports built on this host")
    ap.add_argument("--headers", action="store_true",
                    help="also mutate the public headers' inline functions (every test recompiles)")
    ap.add_argument("--labels", help="CTest labels (regex) of the tests to run "
                    "(default ^(unit|fuzz)$; with --ports also integration and lwip)")
    ap.add_argument("--sanitize", choices=("off", "survivors", "all"), default="survivors",
                    help="AddressSanitizer + UBSan: not at all, re-run survivors and same-code "
                    "mutants under it (default), or for every mutant")
    ap.add_argument("--timeout-factor", type=float, default=5.0,
                    help="a test's limit is this times its unmutated time (default 5)")
    ap.add_argument("--timeout-min", type=float, default=2.0, help="and at least this (s, default 2)")
    ap.add_argument("--work-dir", default=os.path.join(repo, "build", "mutate"),
                    help="where the private copies live (default build/mutate)")
    ap.add_argument("--equivalents", default=os.path.join(repo, "test", "mutation", "equivalent.txt"),
                    help="the reviewed list of equivalent mutants")
    ap.add_argument("--json", metavar="PATH", help="write the results as JSON here "
                    "(default <work-dir>/report.json)")
    ap.add_argument("--fail-under", type=float, metavar="PCT",
                    help="exit 1 when the score is below PCT")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    args = ap.parse_args(argv)

    operators = [o for o in args.operators.split(",") if o]
    bad = [o for o in operators if o not in OPERATORS]
    if bad:
        ap.error("unknown operator(s): %s" % ", ".join(bad))
    if args.sample is not None and args.sample < 1:
        ap.error("--sample needs a positive count")
    labels = args.labels or ("^(unit|fuzz|integration|lwip)$" if args.ports else "^(unit|fuzz)$")
    log = (lambda s: None) if args.quiet else (lambda s: print(s, file=sys.stderr, flush=True))

    equivalents = Equivalents(args.equivalents)
    for e in equivalents.errors:
        print("error: " + e, file=sys.stderr)
    if equivalents.errors:
        return 2
    error_header = os.path.join(repo, "components", "healthchecks", "include", "healthchecks",
                                "hc_error.h")
    with open(error_header, encoding="utf-8") as f:
        codes = error_codes_from(f.read())

    # One run per work directory: a second would rewrite the copy under
    # the first one's mutant.
    os.makedirs(args.work_dir, exist_ok=True)
    lock = open(os.path.join(args.work_dir, "lock"), "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        print("error: another run is using %s (give this one --work-dir)" % args.work_dir,
              file=sys.stderr)
        return 2

    jobs = max(1, args.jobs)
    build_jobs = 2 if jobs == 1 else 1

    def workspaces(prefix, n, sanitize):
        out = []
        for k in range(n):
            ws = Workspace(repo, os.path.join(args.work_dir, "%s%d" % (prefix, k)), labels,
                           sanitize=sanitize, build_jobs=build_jobs, log=log)
            ws.timeout_factor, ws.timeout_min = args.timeout_factor, args.timeout_min
            out.append(ws)
        return out
    main_ws = workspaces("w", jobs, args.sanitize == "all")
    started = time.monotonic()
    try:
        # The first copy is configured before generating: its compile
        # commands tell which #if branches some build compiles.
        main_ws[0].sync()
        main_ws[0].configure()
        files = source_files(repo, args.ports, args.headers)
        originals, everything = {}, []
        for rel in files:
            with open(os.path.join(repo, rel), encoding="utf-8") as f:
                text = f.read()
            originals[rel] = text
            header = rel.endswith(".h")
            live = None if header else main_ws[0].live_lines(rel, text)
            everything += Generator(rel, text, codes, live, functions_only=header).generate()
    except BuildError as e:
        print("error: %s" % e, file=sys.stderr)
        return 2

    if args.entry:
        for m in select(everything, None, args.entry):
            print(Equivalents.block(m, equivalents.reason(m) or "TODO: why no test can tell it apart"))
        return 0
    chosen, excluded, stale = partition(everything, equivalents, operators, args.files, args.only,
                                        args.sample, args.seed)
    by_op = collections.Counter(m.operator for m in chosen)
    counts = "%d mutants (%s), %d excluded as listed equivalent" % (
        len(chosen), ", ".join("%s %d" % (o, by_op[o]) for o in OPERATORS if by_op[o]), len(excluded))
    if args.list:
        for m in sorted(chosen + excluded, key=lambda m: (m.path, m.start, m.end)):
            mark = "  [equivalent]" if m in excluded else ""
            print("%s  %s:%d  %-10s %s  |  %s%s" % (m.id, m.file, m.line, m.operator,
                                                   m.function or "-", m.diff(), mark))
        print(counts, file=sys.stderr)
        for s in stale:
            print("stale equivalent entry (no such mutant): %s" % s, file=sys.stderr)
        return 0

    log(counts)
    try:
        prepare_all(main_ws, files)
    except BuildError as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    setup_secs = time.monotonic() - started
    log("tests: %s; unmutated run %.1f s" % (" ".join(t.name for t in main_ws[0].tests),
                                             sum(t.baseline for t in main_ws[0].tests)))
    runner = Runner(log)

    def progress(n, total, m, status, detail, secs):
        log("[%d/%d] %s:%d %s %s %s%s (%.1f s)" % (n, total, m.file, m.line, m.operator, m.id,
                                                 status, " " + detail if detail else "", secs))
    t0 = time.monotonic()
    results = runner.run(chosen, originals, main_ws, progress)
    run_secs = time.monotonic() - t0

    # Survivors, and mutants that compiled to the same objects, run again
    # under AddressSanitizer + UBSan, as CI's sanitizer build would: a
    # shrunken array, say, can compile to the same code at -O1 and still
    # write out of bounds.
    sanitizer_kills, san_secs = 0, 0.0
    recheck = [m for m in chosen if results[m.id][0] in ("survived", "same-code")]
    if recheck and args.sanitize == "survivors":
        t0 = time.monotonic()
        log("%d survivors and same-code mutants: again under AddressSanitizer + UBSan"
            % len(recheck))
        san_ws = workspaces("san", min(jobs, len(recheck)), True)
        try:
            prepare_all(san_ws, files)
        except BuildError as e:
            print("error: %s" % e, file=sys.stderr)
            return 2
        again = runner.run(recheck, originals, san_ws, progress)
        for m in recheck:
            before, detail, secs = results[m.id]
            status, san_detail, san_secs_m = again[m.id]
            if status in ("killed", "timeout"):
                sanitizer_kills += 1
                status, detail = status, san_detail + " (AddressSanitizer/UBSan)"
            else:   # passing, or no-compile there: it stays what it was
                status = before
            results[m.id] = (status, detail, secs + san_secs_m)
        san_secs = time.monotonic() - t0
    total_secs = time.monotonic() - started

    per_mutant = run_secs / len(chosen) if chosen else 0.0
    timing = "%d mutants in %.0f s: setup %.0f s, %.2f s per mutant" % (
        len(chosen), total_secs, setup_secs, per_mutant)
    if args.sanitize == "survivors":
        timing += "; AddressSanitizer/UBSan re-run of %d survivors and same-code: %.0f s, %d killed" % (
            len(recheck), san_secs, sanitizer_kills)
    text, s, rows, total = render(chosen, results, excluded, stale, timing)
    print(text)

    report = {
        "score": s, "seconds": round(total_secs, 1), "seconds_per_mutant": round(per_mutant, 3),
        "setup_seconds": round(setup_secs, 1), "sanitizer_seconds": round(san_secs, 1),
        "killed_by_sanitizer": sanitizer_kills, "operators": dict(by_op),
        "tests": [t.name for t in main_ws[0].tests], "labels": labels,
        "sample": args.sample, "seed": args.seed if args.sample is not None else None,
        "files": {f: dict(c) for f, c in rows.items()}, "total": dict(total),
        "stale_equivalents": stale,
        "mutants": [dict(m.as_dict(), status=results[m.id][0], detail=results[m.id][1],
                         seconds=round(results[m.id][2], 3)) for m in chosen]
                   + [dict(m.as_dict(), status="equivalent", detail=equivalents.reason(m))
                      for m in excluded],
    }
    path = args.json or os.path.join(args.work_dir, "report.json")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(report, f, indent=1)
    log("report: %s" % path)
    if args.fail_under is not None and (s is None or s < args.fail_under):
        print("score %s is below the floor of %.1f %%" % (
            "-" if s is None else "%.1f %%" % s, args.fail_under))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
