#ifndef COCLICK_CSIGNALS_H
#define COCLICK_CSIGNALS_H
// The one owner of coclick's signal handling. SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGWINCH are
// caught here and nowhere else: no other file of Sources/ calls sigaction(2) or signal(2), for
// them or any other signal (scripts/test-c greps for it and fails otherwise). SIGPIPE is not
// caught, only ignored, through this target too (csig_ignore_sigpipe).
//
// Components subscribe: the REPL's line reader (SIGINT, SIGWINCH), the Lua state the REPL runs
// (SIGINT: the interrupt hook), the run guard (SIGINT, SIGTERM), the secret prompt (SIGINT,
// SIGTERM, SIGHUP, SIGQUIT) and `coclick sandbox` (SIGINT, SIGTERM). Subscriptions form a stack:
// a signal goes to the newest subscription that asked for it, and only there, unless that one
// passes it on (CSIG_PASS_ON: to the next one down). A signal that no subscription takes meets
// the disposition that was in place before the first subscription for it (the default one:
// the process ends by that signal, as a shell expects). The owner's handler is installed while
// at least one subscription asks for the signal, without SA_RESTART (a blocking read or poll
// returns EINTR to its caller), and the previous disposition is put back when the last leaves.
#include <signal.h>

typedef struct csig_subscription csig_subscription;

// Runs inside the signal handler, on whichever thread took the signal: async-signal-safe work
// only (flags, write(2), tcsetattr(2), lua_sethook, _exit).
typedef void (*csig_handler_fn)(int signo, void *context);

// The bit of `signo` in a subscription's set: CSIG_BIT(SIGINT) | CSIG_BIT(SIGWINCH).
#define CSIG_BIT(signo) (1u << (unsigned)(signo))
// Every signal the owner handles.
#define CSIG_OWNED (CSIG_BIT(SIGINT) | CSIG_BIT(SIGTERM) | CSIG_BIT(SIGHUP) | CSIG_BIT(SIGQUIT) | CSIG_BIT(SIGWINCH))

enum {
    // After its handler ran, the signal goes on down the stack (the secret prompt restores the
    // terminal, then whatever was there before it acts on the signal).
    CSIG_PASS_ON = 1,
};

// Pushes a subscription for `signals` (a set of CSIG_BIT, owned signals only) and unblocks them
// in the calling thread (a parent may have left them blocked). `handler` may be NULL: the
// subscription then only records the signals (csig_take, csig_first, csig_fd). NULL when the
// set is empty or not owned, or the stack is full.
csig_subscription *csig_subscribe(unsigned signals, int flags, csig_handler_fn handler, void *context);

// Removes it (not necessarily the newest); once it returns, its handler is not running and will
// not run again. Restores a signal's previous disposition when no subscription asks for it.
void csig_unsubscribe(csig_subscription *subscription);

// How many times `signo` came to this subscription since the last take; clears that count.
int csig_take(csig_subscription *subscription, int signo);

// The first signal that came to this subscription (0: none yet); not cleared.
int csig_first(csig_subscription *subscription);

// A descriptor that polls readable once a signal came to this subscription (an eventfd: the
// handler writes to it, so a poll(2) on the terminal and on it wakes at once); -1 if none could
// be made. csig_drain empties it.
int csig_fd(const csig_subscription *subscription);
void csig_drain(csig_subscription *subscription);

// Waits until a signal came to this subscription or `timeout_ms` passed (-1: no limit); the
// first signal that came (csig_first), or 0 on time out.
int csig_wait(csig_subscription *subscription, int timeout_ms);

// SIGPIPE ignored (a write to a closed pipe fails with EPIPE instead of ending the process) until
// the matching csig_end_ignoring_sigpipe; calls nest, and the disposition from before the first
// comes back after the last. coclick's start ignores it for the whole run; the pager around its
// writes, for a REPL that may run without that start (its tests).
void csig_ignore_sigpipe(void);
void csig_end_ignoring_sigpipe(void);

// How many subscriptions are on the stack (for tests).
int csig_depth(void);

#endif
