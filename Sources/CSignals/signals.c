// The one signal owner (see CSignals.h). The only file of Sources/ that calls sigaction(2) (for
// SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH, and SIGPIPE's ignoring); `grep` in scripts/test-c
// proves it.
//
// The stack is a fixed pool of slots, slot i at depth i, so that the handler walks it without a
// lock and without memory that could be freed under it: a subscription is pushed by filling the
// slot above the top and then publishing it (`active`, then `depth`); it is removed by clearing
// `active` (the slot stays until the slots above it are gone too) and waiting for any handler
// still running to finish before its descriptor is closed and the slot can be reused.
#define _GNU_SOURCE
#include "CSignals.h"
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define CSIG_SLOTS 32
#define CSIG_SIGNALS 32  // every owned signal number is below this

struct csig_subscription {
    atomic_int active;
    unsigned signals;
    int flags;
    csig_handler_fn handler;
    void *context;
    int fd;
    // Lock-free atomics: safe in a signal handler.
    atomic_int counts[CSIG_SIGNALS];
    atomic_int first;
};

static struct csig_subscription slots[CSIG_SLOTS];
static atomic_int depth = 0;
// Handlers running now (on any thread): csig_unsubscribe waits for none before reusing a slot.
static atomic_int running = 0;
// Guards the slots' mutation, `installed` and `previous` (never taken by the handler).
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
// Subscriptions asking for each signal, and the disposition found before the first of them.
static int installed[CSIG_SIGNALS];
static struct sigaction previous[CSIG_SIGNALS];

// Signals whose default action is to do nothing.
static int ignored_by_default(int signo) { return signo == SIGWINCH; }

// No subscription took the signal: what was there before the owner acts on it.
static void pass_to_previous(int signo, siginfo_t *info, void *ucontext) {
    struct sigaction *before = &previous[signo];
    if (before->sa_flags & SA_SIGINFO) {
        if (before->sa_sigaction != NULL) before->sa_sigaction(signo, info, ucontext);
        return;
    }
    if (before->sa_handler == SIG_IGN) return;
    if (before->sa_handler == SIG_DFL) {
        if (ignored_by_default(signo)) return;
        // Ends the process by the signal, as the default disposition would have: the signal is
        // blocked while this handler runs and is delivered as soon as it returns.
        struct sigaction fallback;
        memset(&fallback, 0, sizeof fallback);
        fallback.sa_handler = SIG_DFL;
        sigemptyset(&fallback.sa_mask);
        sigaction(signo, &fallback, NULL);
        raise(signo);
        return;
    }
    before->sa_handler(signo);
}

static void deliver(struct csig_subscription *subscription, int signo) {
    atomic_fetch_add(&subscription->counts[signo], 1);
    int none = 0;
    atomic_compare_exchange_strong(&subscription->first, &none, signo);
    if (subscription->handler != NULL) subscription->handler(signo, subscription->context);
    if (subscription->fd >= 0) {
        uint64_t one = 1;
        ssize_t ignored = write(subscription->fd, &one, sizeof one);
        (void)ignored;
    }
}

static void on_signal(int signo, siginfo_t *info, void *ucontext) {
    int saved = errno;
    atomic_fetch_add(&running, 1);
    int taken = 0;
    if (signo > 0 && signo < CSIG_SIGNALS) {
        for (int i = atomic_load(&depth) - 1; i >= 0 && !taken; i--) {
            struct csig_subscription *subscription = &slots[i];
            if (!atomic_load(&subscription->active) || !(subscription->signals & CSIG_BIT(signo))) continue;
            deliver(subscription, signo);
            taken = !(subscription->flags & CSIG_PASS_ON);
        }
        if (!taken) pass_to_previous(signo, info, ucontext);
    }
    atomic_fetch_sub(&running, 1);
    errno = saved;
}

// Under `lock`.
static void install(int signo) {
    if (installed[signo]++ > 0) return;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_signal;
    // No SA_RESTART: a blocking read, poll or nanosleep returns EINTR to its caller.
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    sigaction(signo, &action, &previous[signo]);
}

// Under `lock`.
static void uninstall(int signo) {
    if (--installed[signo] > 0) return;
    sigaction(signo, &previous[signo], NULL);
}

csig_subscription *csig_subscribe(unsigned signals, int flags, csig_handler_fn handler, void *context) {
    if (signals == 0 || (signals & ~(unsigned)CSIG_OWNED) != 0) return NULL;
    pthread_mutex_lock(&lock);
    int top = atomic_load(&depth);
    if (top >= CSIG_SLOTS) {
        pthread_mutex_unlock(&lock);
        return NULL;
    }
    struct csig_subscription *subscription = &slots[top];
    subscription->signals = signals;
    subscription->flags = flags;
    subscription->handler = handler;
    subscription->context = context;
    subscription->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    for (int signo = 0; signo < CSIG_SIGNALS; signo++) atomic_store(&subscription->counts[signo], 0);
    atomic_store(&subscription->first, 0);
    atomic_store(&subscription->active, 1);
    atomic_store(&depth, top + 1);
    sigset_t unblock;
    sigemptyset(&unblock);
    for (int signo = 1; signo < CSIG_SIGNALS; signo++) {
        if (!(signals & CSIG_BIT(signo))) continue;
        install(signo);
        sigaddset(&unblock, signo);
    }
    pthread_mutex_unlock(&lock);
    pthread_sigmask(SIG_UNBLOCK, &unblock, NULL);
    return subscription;
}

void csig_unsubscribe(csig_subscription *subscription) {
    if (subscription == NULL) return;
    pthread_mutex_lock(&lock);
    atomic_store(&subscription->active, 0);
    for (int signo = 1; signo < CSIG_SIGNALS; signo++) {
        if (subscription->signals & CSIG_BIT(signo)) uninstall(signo);
    }
    int top = atomic_load(&depth);
    while (top > 0 && !atomic_load(&slots[top - 1].active)) top--;
    atomic_store(&depth, top);
    // A handler that saw the subscription still active may be running on another thread.
    while (atomic_load(&running) > 0) sched_yield();
    if (subscription->fd >= 0) close(subscription->fd);
    subscription->fd = -1;
    subscription->handler = NULL;
    subscription->context = NULL;
    pthread_mutex_unlock(&lock);
}

int csig_take(csig_subscription *subscription, int signo) {
    if (subscription == NULL || signo <= 0 || signo >= CSIG_SIGNALS) return 0;
    return atomic_exchange(&subscription->counts[signo], 0);
}

int csig_first(csig_subscription *subscription) {
    return subscription != NULL ? atomic_load(&subscription->first) : 0;
}

int csig_fd(const csig_subscription *subscription) {
    return subscription != NULL ? subscription->fd : -1;
}

void csig_drain(csig_subscription *subscription) {
    if (subscription == NULL || subscription->fd < 0) return;
    uint64_t count;
    while (read(subscription->fd, &count, sizeof count) > 0) {}
}

static long long now_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

int csig_wait(csig_subscription *subscription, int timeout_ms) {
    if (subscription == NULL) return 0;
    long long deadline = timeout_ms >= 0 ? now_ms() + timeout_ms : -1;
    for (;;) {
        int first = atomic_load(&subscription->first);
        if (first != 0) return first;
        int wait = -1;
        if (deadline >= 0) {
            long long left = deadline - now_ms();
            if (left <= 0) return 0;
            wait = (int)left;
        }
        if (subscription->fd < 0) {
            // No eventfd could be made: look again every 20 ms.
            if (wait < 0 || wait > 20) wait = 20;
            poll(NULL, 0, wait);
            continue;
        }
        struct pollfd ready = {.fd = subscription->fd, .events = POLLIN, .revents = 0};
        poll(&ready, 1, wait);  // EINTR: the signal came, `first` says so
    }
}

static int sigpipe_ignored = 0;
static struct sigaction sigpipe_before;

void csig_ignore_sigpipe(void) {
    pthread_mutex_lock(&lock);
    if (sigpipe_ignored++ == 0) {
        struct sigaction ignore;
        memset(&ignore, 0, sizeof ignore);
        ignore.sa_handler = SIG_IGN;
        sigemptyset(&ignore.sa_mask);
        sigaction(SIGPIPE, &ignore, &sigpipe_before);
    }
    pthread_mutex_unlock(&lock);
}

void csig_end_ignoring_sigpipe(void) {
    pthread_mutex_lock(&lock);
    if (sigpipe_ignored > 0 && --sigpipe_ignored == 0) sigaction(SIGPIPE, &sigpipe_before, NULL);
    pthread_mutex_unlock(&lock);
}

int csig_depth(void) { return atomic_load(&depth); }
