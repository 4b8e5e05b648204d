/* Runs the test groups of one target suite under Unity: each group with
 * the stack painted beforehand and its high-water mark reported after,
 * as "stack <group> <bytes>" (on boards that measure it). */
#ifndef TGT_RUNNER_H
#define TGT_RUNNER_H

/** Start the suite (Unity's UnityBegin). */
void tgt_begin(const char *suite);

/** Run @p group (a function of RUN_TEST calls), measuring its stack. */
void tgt_group(const char *name, void (*group)(void));

/** End the suite: Unity's summary, then the exit status, which is the
 *  failure count plus the groups that overflowed their stack, at most 254. */
int tgt_end(void);

#endif /* TGT_RUNNER_H */
