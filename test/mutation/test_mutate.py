#!/usr/bin/env python3
"""Tests of scripts/mutate.py, the mutation runner: each operator makes
exactly the expected mutants of a small C snippet and none where it must
not; the reviewed list of equivalent mutants matches by identity, across
line shifts; and a mutant no test notices is reported as a survivor."""
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in scripts/
HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "scripts", "mutate.py")
_spec = importlib.util.spec_from_file_location("mutate", SCRIPT)
mutate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mutate)

CODES = ["HC_OK", "HC_IN_PROGRESS", "HC_ERR_ARG", "HC_ERR_RANGE", "HC_ERR_IO"]
CC = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")


def generate(src, live=None, path="snippet.c"):
    return mutate.Generator(path, src, CODES, live).generate()


def changes(src, operator, live=None):
    """(line, original, mutated) of each mutant of one operator."""
    return sorted((m.line, m.original, m.mutated) for m in generate(src, live)
                  if m.operator == operator)


class Operators(unittest.TestCase):
    def test_relational_swaps_each_boundary_and_equality(self):
        src = ("int f(int a, int b)\n{\n"
               "    return a < b || a <= b || a > b || a >= b || a == b || a != b;\n}\n")
        got = {m for _, _, m in changes(src, "relational")}
        body = "return a < b || a <= b || a > b || a >= b || a == b || a != b;"
        want = {body.replace(old, new, 1) for old, new in
                (("a < b", "a <= b"), ("a <= b", "a < b"), ("a > b", "a >= b"),
                 ("a >= b", "a > b"), ("a == b", "a != b"), ("a != b", "a == b"))}
        self.assertEqual(got, want)

    def test_relational_leaves_shifts_arrows_and_includes(self):
        src = ("#include <string.h>\n"
               "int f(int *p, struct s *q)\n{\n    return (p[0] << 2) + (q->x >> 1);\n}\n")
        self.assertEqual(changes(src, "relational"), [])

    def test_negate_wraps_if_while_and_for_conditions(self):
        src = ("void f(int n)\n{\n"
               "    if (n > 1) g();\n"
               "    while (h(n)) n--;\n"
               "    for (int i = 0; i < n; i++) g();\n"
               "    for (;;) break;\n"
               "    do g(); while (n);\n}\n")
        self.assertEqual(changes(src, "negate"), [
            (3, "if (n > 1) g();", "if (!(n > 1)) g();"),
            (4, "while (h(n)) n--;", "while (!(h(n))) n--;"),
            (5, "for (int i = 0; i < n; i++) g();", "for (int i = 0; !(i < n); i++) g();"),
            (7, "do g(); while (n);", "do g(); while (!(n));"),
        ])

    def test_constant_adds_and_subtracts_one_keeping_base_and_suffix(self):
        src = "unsigned f(void)\n{\n    return 0x1F + 10u + 0 + 'a' + (unsigned)1.5;\n}\n"
        got = [m for _, _, m in changes(src, "constant")]
        base = "return 0x1F + 10u + 0 + 'a' + (unsigned)1.5;"
        self.assertEqual(sorted(got), sorted([
            base.replace("0x1F", "0x20"), base.replace("0x1F", "0x1E"),
            base.replace("10u", "11u"), base.replace("10u", "9u"),
            base.replace("+ 0 +", "+ 1 +"),   # and no 0 - 1
        ]))

    def test_constant_in_a_define_names_the_macro(self):
        ms = [m for m in generate("#define LIMIT 64u\n") if m.operator == "constant"]
        self.assertEqual(sorted(m.mutated for m in ms), ["#define LIMIT 63u", "#define LIMIT 65u"])
        self.assertEqual({m.function for m in ms}, {"#define LIMIT"})

    def test_error_moves_a_result_value_to_its_neighbour(self):
        src = ("hc_err_t f(int x, hc_err_t e)\n{\n"
               "    if (e == HC_OK) return HC_ERR_ARG;\n"
               "    switch (x) { case 1: return HC_IN_PROGRESS; default: break; }\n"
               "    g(HC_ERR_IO);\n"
               "    return HC_OK;\n}\n")
        self.assertEqual(changes(src, "error"), [
            (3, "if (e == HC_OK) return HC_ERR_ARG;", "if (e == HC_OK) return HC_ERR_RANGE;"),
            (4, "switch (x) { case 1: return HC_IN_PROGRESS; default: break; }",
             "switch (x) { case 1: return HC_OK; default: break; }"),
            (5, "g(HC_ERR_IO);", "g(HC_ERR_ARG);"),           # the last wraps to the first
            (6, "return HC_OK;", "return HC_ERR_ARG;"),
        ])

    def test_error_leaves_comparisons_and_case_labels(self):
        src = ("int f(hc_err_t e)\n{\n"
               "    switch (e) { case HC_ERR_IO: return 1; default: return e != HC_OK; }\n}\n")
        self.assertEqual(changes(src, "error"), [])

    def test_remove_drops_early_returns_and_flag_assignments_only(self):
        src = ("hc_err_t f(struct s *p, int x)\n{\n"
               "    bool ok = true;\n"
               "    if (!p) return HC_ERR_ARG;\n"
               "    if (x) { cleanup(p); return HC_ERR_IO; }\n"
               "    switch (x) { case 2: return HC_OK; default: break; }\n"
               "    p->flags[1].done = true;\n"
               "    if (x > 3) p->busy = false;\n"
               "    p->count = 3;\n"
               "    return ok ? HC_OK : HC_ERR_ARG;\n}\n")
        self.assertEqual(changes(src, "remove"), [
            (4, "if (!p) return HC_ERR_ARG;", "if (!p) {}"),
            (5, "if (x) { cleanup(p); return HC_ERR_IO; }", "if (x) { cleanup(p); }"),
            (7, "p->flags[1].done = true;", ""),
            (8, "if (x > 3) p->busy = false;", "if (x > 3) {}"),
        ])

    def test_logical_drops_each_operand_of_a_chain(self):
        src = "int f(int a, int b, int c)\n{\n    return a && b && c;\n}\n"
        self.assertEqual(sorted(m for _, _, m in changes(src, "logical")),
                         ["return a && b;", "return a && c;", "return b && c;"])

    def test_logical_respects_precedence_and_parentheses(self):
        src = "int f(int a, int b, int c)\n{\n    return !a || (b && g(a, c));\n}\n"
        self.assertEqual(sorted(m for _, _, m in changes(src, "logical")), [
            "return !a || (b);", "return !a || (g(a, c));", "return !a;", "return (b && g(a, c));"])

    def test_logical_across_lines_shows_every_line(self):
        src = "int f(int a, int b)\n{\n    return a ||\n           b;\n}\n"
        ms = [m for m in generate(src) if m.operator == "logical"]
        self.assertEqual(sorted(m.mutated for m in ms), ["return a;", "return b;"])
        self.assertEqual({m.original for m in ms}, {"return a || b;"})


class Exclusions(unittest.TestCase):
    SRC = ("/* if (a < b) return 1; */\n"
           "static const char *s = \"a < b\";   // a > b\n"
           "typedef char fits[sizeof(int) < 8 ? 1 : -1];\n"
           "void g(int v[4]);\n"
           "void h(int v[4])\n{\n    assert(v[0] < 1);\n    (void)sizeof(v[0] < 2);\n}\n")

    def test_no_mutant_in_comments_strings_asserts_typedefs_sizeof_or_parameters(self):
        self.assertEqual([(m.line, m.operator, m.mutated) for m in generate(self.SRC)], [])

    def test_dead_lines_make_no_mutants(self):
        src = "int f(int a)\n{\n    return a < 1;\n}\n"
        self.assertTrue(generate(src))
        self.assertEqual(generate(src, live=lambda line: line != 3), [])

    @unittest.skipUnless(CC, "no C compiler")
    def test_an_inactive_if_branch_is_dead_in_every_build(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        ws = mutate.Workspace(tmp, tmp, "unit")
        os.makedirs(os.path.join(tmp, "src"))
        os.makedirs(os.path.join(tmp, "build"))
        src = ("int f(int a)\n{\n#if A\n    return a < 1;\n#else\n    return a > 2;\n#endif\n}\n"
               "#ifdef NEVER\nint g(int a) { return a == 3; }\n#define LIMIT 5\n#endif\n")
        path = os.path.join(tmp, "src", "f.c")
        with open(path, "w") as f:
            f.write(src)
        # The file built twice: with A=0 and with A=1; NEVER in neither.
        entries = [{"directory": tmp, "file": path,
                    "command": "%s -DA=%d -c %s -o f%d.o" % (CC, a, path, a)} for a in (0, 1)]
        with open(os.path.join(tmp, "build", "compile_commands.json"), "w") as f:
            json.dump(entries, f)
        live = ws.live_lines("f.c", src)
        got = sorted((m.line, m.operator, m.mutated) for m in generate(src, live)
                     if m.operator in ("relational", "constant"))
        self.assertEqual(got, [(4, "constant", "return a < 0;"), (4, "constant", "return a < 2;"),
                               (4, "relational", "return a <= 1;"),
                               (6, "constant", "return a > 1;"), (6, "constant", "return a > 3;"),
                               (6, "relational", "return a >= 2;")])


class Identity(unittest.TestCase):
    SRC = ("int f(int a)\n{\n    if (a < 1) return 1;\n    if (a < 1) return 1;\n"
           "    return 0;\n}\n")

    def test_identity_survives_line_shifts_and_comments(self):
        before = {m.identity(): m.line for m in generate(self.SRC)}
        moved = "/* a new\n   comment */\n\n" + self.SRC.replace("return 0;", "return 0; /* why */")
        after = {m.identity(): m.line for m in generate(moved)}
        self.assertEqual(set(before), set(after))
        self.assertTrue(all(after[i] == before[i] + 3 for i in before))

    def test_identical_lines_in_one_function_are_told_apart(self):
        ms = [m for m in generate(self.SRC) if m.operator == "relational"]
        self.assertEqual([m.occurrence for m in ms], [1, 2])
        self.assertNotEqual(ms[0].id, ms[1].id)
        self.assertIn("relational #2\n", mutate.Equivalents.block(ms[1], "x"))


class EquivalentList(unittest.TestCase):
    SRC = "int f(int a)\n{\n    return a < 1 || a > 9;\n}\n"

    def write_list(self, text):
        fd, path = tempfile.mkstemp(suffix=".txt")
        with os.fdopen(fd, "w") as f:
            f.write(text)
        self.addCleanup(os.remove, path)
        return mutate.Equivalents(path)

    def test_a_listed_mutant_is_excluded_and_counted_even_after_a_line_shift(self):
        target = [m for m in generate(self.SRC) if m.mutated == "return a <= 1 || a > 9;"][0]
        eq = self.write_list("# reviewed\n\n" + mutate.Equivalents.block(target, "a is never 1"))
        self.assertEqual(eq.errors, [])
        shifted = generate("\n\n" + self.SRC)
        chosen, excluded, stale = mutate.partition(shifted, eq, mutate.OPERATORS)
        self.assertEqual([(m.line, m.mutated) for m in excluded], [(5, target.mutated)])
        self.assertNotIn(target.mutated, [m.mutated for m in chosen])
        self.assertEqual(len(chosen) + 1, len(shifted))
        self.assertEqual(stale, [])
        text, _, _, total = mutate.render(chosen, {}, excluded, stale, "")
        self.assertEqual(total["equivalent"], 1)
        self.assertIn("1 mutants excluded as listed equivalent (snippet.c 1)", text)

    def test_an_entry_matching_no_mutant_is_reported_stale(self):
        eq = self.write_list("snippet.c f relational\n- return a < 2;\n+ return a <= 2;\nwhy: gone\n")
        _, excluded, stale = mutate.partition(generate(self.SRC), eq, mutate.OPERATORS)
        self.assertEqual(excluded, [])
        self.assertEqual(len(stale), 1)

    def test_the_repository_list_parses(self):
        eq = mutate.Equivalents(os.path.join(HERE, "equivalent.txt"))
        self.assertEqual(eq.errors, [])

    def test_an_entry_without_a_reason_is_an_error(self):
        eq = self.write_list("snippet.c f relational\n- return a < 1;\n+ return a <= 1;\n")
        self.assertEqual(len(eq.errors), 1)


class FakeWorkspace:
    """Builds the snippet with a test program using the C compiler and runs
    it: the runner's loop and report without CMake."""

    def __init__(self, tmp, test_main):
        self.tmp = tmp
        self.main = os.path.join(tmp, "main.c")
        with open(self.main, "w") as f:
            f.write(test_main)

    def try_mutant(self, m, original, order):
        src = os.path.join(self.tmp, "snippet.c")
        exe = os.path.join(self.tmp, "t")
        with open(src, "w") as f:
            f.write(m.apply(original))
        if subprocess.run([CC, "-o", exe, src, self.main]).returncode:
            return "no-compile", ""
        if subprocess.run([exe], timeout=10).returncode:
            return "killed", "main"
        return "survived", ""

    def restore(self, rel, original):
        pass


@unittest.skipUnless(CC, "no C compiler")
class Survivors(unittest.TestCase):
    SRC = "int is_small(int x)\n{\n    if (x < 10)\n        return 1;\n    return 0;\n}\n"
    # Tests far from the boundary: moving it by one goes unnoticed.
    MAIN = "int is_small(int);\nint main(void) { return !(is_small(3) == 1 && is_small(20) == 0); }\n"

    def test_a_mutant_no_test_notices_is_reported_with_its_place_and_diff(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        ms = generate(self.SRC)
        results = mutate.Runner().run(ms, {"snippet.c": self.SRC}, [FakeWorkspace(tmp, self.MAIN)],
                                      lambda *a: None)
        status = {m.mutated: results[m.id][0] for m in ms}
        self.assertEqual(status, {
            "if (x <= 10)": "survived", "if (x < 11)": "survived", "if (x < 9)": "survived",
            "if (!(x < 10))": "killed", "{}": "killed",
            "return 2;": "killed", "return 0;": "killed", "return 1;": "killed"})
        text, score, _, total = mutate.render(ms, results, [], [], "")
        self.assertEqual((total["killed"], total["survived"]), (5, 3))
        self.assertAlmostEqual(score, 62.5)
        self.assertIn("survivors:\n  snippet.c:3  relational  is_small", text)
        self.assertIn("if (x < 10)  =>  if (x <= 10)", text)
        self.assertIn("| all ", text)


if __name__ == "__main__":
    unittest.main(verbosity=1)
