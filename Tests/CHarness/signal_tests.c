// Checks of the signal owner (CSignals) run by scripts/test-c under AddressSanitizer and
// UndefinedBehaviorSanitizer: a signal goes to the newest subscription that asked for it and
// nowhere else, the one below gets it back once that one leaves, a subscription may pass it on,
// one nobody takes meets the disposition from before (and that disposition is back after the
// last subscription), a waiter wakes on the subscription's descriptor, and a Lua state
// subscribed with clua_interrupt_on_signal is interrupted only when no newer subscription takes
// SIGINT (the REPL: Ctrl-C at the prompt clears the line, while code runs it interrupts it).
// Each check prints its name; failures are counted and the run fails at the end.
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <lua.h>
#include <lauxlib.h>
#include "CLuaSupport.h"
#include "CSignals.h"

static int failures = 0;
#define CHECK(cond, ...) do { if (!(cond)) { fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
    fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); failures++; } } while (0)

static volatile sig_atomic_t handled[4];
static void count_handler(int signo, void *context) {
    (void)signo;
    handled[(long)context] += 1;
}

static volatile sig_atomic_t previous_calls = 0;
static void previous_handler(int signo) { (void)signo; previous_calls += 1; }

static void (*current_handler(int signo))(int) {
    struct sigaction now;
    sigaction(signo, NULL, &now);
    return now.sa_handler;
}

static void reset_counts(void) { for (int i = 0; i < 4; i++) handled[i] = 0; }

static void check_nesting(void) {
    puts("signals: the newest subscription takes SIGINT alone; the outer one gets it back after");
    reset_counts();
    csig_subscription *outer = csig_subscribe(CSIG_BIT(SIGINT), 0, count_handler, (void *)0);
    csig_subscription *inner = csig_subscribe(CSIG_BIT(SIGINT) | CSIG_BIT(SIGWINCH), 0, count_handler, (void *)1);
    CHECK(outer != NULL && inner != NULL && csig_depth() == 2, "two subscriptions, depth %d", csig_depth());
    raise(SIGINT);
    CHECK(handled[1] == 1 && handled[0] == 0, "inner %d, outer %d", (int)handled[1], (int)handled[0]);
    CHECK(csig_take(inner, SIGINT) == 1 && csig_take(inner, SIGINT) == 0, "the inner count, taken once");
    CHECK(csig_first(inner) == SIGINT && csig_first(outer) == 0, "first signals");
    raise(SIGWINCH);  // only the inner one asked for it
    CHECK(csig_take(inner, SIGWINCH) == 1, "SIGWINCH to the inner subscription");
    csig_unsubscribe(inner);
    CHECK(csig_depth() == 1, "depth %d after the inner left", csig_depth());
    raise(SIGINT);
    // The inner handler ran twice, for SIGINT and SIGWINCH; never again once it left.
    CHECK(handled[0] == 1 && handled[1] == 2, "after the inner left: inner %d, outer %d", (int)handled[1], (int)handled[0]);
    csig_unsubscribe(outer);
    CHECK(csig_depth() == 0, "depth %d at the end", csig_depth());
}

static void check_removal_out_of_order(void) {
    puts("signals: a subscription removed from the middle; the stack shrinks past it later");
    reset_counts();
    csig_subscription *a = csig_subscribe(CSIG_BIT(SIGTERM), 0, count_handler, (void *)0);
    csig_subscription *b = csig_subscribe(CSIG_BIT(SIGTERM), 0, count_handler, (void *)1);
    csig_subscription *c = csig_subscribe(CSIG_BIT(SIGTERM), 0, count_handler, (void *)2);
    csig_unsubscribe(b);
    CHECK(csig_depth() == 3, "depth %d with a hole", csig_depth());
    raise(SIGTERM);
    CHECK(handled[2] == 1 && handled[1] == 0 && handled[0] == 0, "the top one takes it");
    csig_unsubscribe(c);
    CHECK(csig_depth() == 1, "depth %d once the top left", csig_depth());
    raise(SIGTERM);
    CHECK(handled[0] == 1 && handled[1] == 0, "the bottom one, past the hole");
    csig_unsubscribe(a);
    CHECK(csig_depth() == 0, "depth %d at the end", csig_depth());
}

static void check_pass_on_and_previous(void) {
    puts("signals: passed on down the stack, then to the disposition from before; that one is back after");
    reset_counts();
    previous_calls = 0;
    struct sigaction quiet, original;
    memset(&quiet, 0, sizeof quiet);
    quiet.sa_handler = previous_handler;
    sigemptyset(&quiet.sa_mask);
    sigaction(SIGINT, &quiet, &original);

    csig_subscription *outer = csig_subscribe(CSIG_BIT(SIGINT), 0, count_handler, (void *)0);
    CHECK(current_handler(SIGINT) != previous_handler, "the owner's handler is installed");
    csig_subscription *prompt = csig_subscribe(CSIG_BIT(SIGINT), CSIG_PASS_ON, count_handler, (void *)1);
    raise(SIGINT);
    CHECK(handled[1] == 1 && handled[0] == 1 && previous_calls == 0, "passed on to the outer one: %d %d %d",
          (int)handled[1], (int)handled[0], (int)previous_calls);
    csig_unsubscribe(outer);
    raise(SIGINT);
    CHECK(handled[1] == 2 && previous_calls == 1, "passed on to the disposition from before: %d %d",
          (int)handled[1], (int)previous_calls);
    csig_unsubscribe(prompt);
    CHECK(current_handler(SIGINT) == previous_handler, "the disposition from before is back");
    raise(SIGINT);
    CHECK(previous_calls == 2 && handled[1] == 2, "no subscription: the disposition from before alone");
    sigaction(SIGINT, &original, NULL);
}

static void check_default_ends_the_process(void) {
    puts("signals: a passed-on SIGTERM with the default disposition ends the process by SIGTERM, after the handler");
    int ends[2];
    CHECK(pipe(ends) == 0, "pipe");
    pid_t child = fork();
    if (child == 0) {
        close(ends[0]);
        signal(SIGTERM, SIG_DFL);
        csig_subscribe(CSIG_BIT(SIGTERM), CSIG_PASS_ON, count_handler, (void *)0);
        raise(SIGTERM);
        // Not reached: the default disposition ended the process.
        if (handled[0] == 1) { ssize_t ignored = write(ends[1], "alive", 5); (void)ignored; }
        _exit(0);
    }
    close(ends[1]);
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
    char buffer[8];
    ssize_t count = read(ends[0], buffer, sizeof buffer);
    close(ends[0]);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "the child ended by SIGTERM (status %d)", status);
    CHECK(count == 0, "the child went on after the signal");
}

static void *send_sigterm(void *arg) {
    (void)arg;
    kill(getpid(), SIGTERM);
    return NULL;
}

static void check_wait(void) {
    puts("signals: a waiter wakes on the subscription's descriptor when another thread takes the signal");
    csig_subscription *subscription = csig_subscribe(CSIG_BIT(SIGTERM) | CSIG_BIT(SIGINT), 0, NULL, NULL);
    CHECK(csig_fd(subscription) >= 0, "an eventfd");
    CHECK(csig_wait(subscription, 0) == 0, "no signal yet");
    pthread_t thread;
    pthread_create(&thread, NULL, send_sigterm, NULL);
    int got = csig_wait(subscription, 30000);
    pthread_join(thread, NULL);
    CHECK(got == SIGTERM, "woke with %d", got);
    struct pollfd ready = {.fd = csig_fd(subscription), .events = POLLIN, .revents = 0};
    CHECK(poll(&ready, 1, 0) == 1, "the descriptor is readable");
    csig_drain(subscription);
    CHECK(poll(&ready, 1, 0) == 0, "drained");
    csig_unsubscribe(subscription);
}

static void check_lua_interrupt(void) {
    puts("signals: a Lua state's SIGINT subscription interrupts it only when no newer one takes SIGINT");
    lua_State *L = clua_newstate(0);
    if (L == NULL || clua_openlibs(L) != LUA_OK) { fputs("cannot create a Lua state\n", stderr); exit(2); }
    csig_subscription *lua = csig_subscribe(CSIG_BIT(SIGINT), 0, clua_interrupt_on_signal, L);
    csig_subscription *reader = csig_subscribe(CSIG_BIT(SIGINT) | CSIG_BIT(SIGWINCH), 0, NULL, NULL);
    raise(SIGINT);
    CHECK(clua_runtime_of(L)->interrupt_requested == 0, "the line reader took Ctrl-C, Lua was not asked");
    CHECK(csig_take(reader, SIGINT) == 1, "the line reader saw it");
    csig_unsubscribe(reader);
    raise(SIGINT);
    CHECK(clua_runtime_of(L)->interrupt_requested == 1, "Lua was asked once the reader left");
    const char *loop = "local n = 0 while true do n = n + 1 end";
    int status = clua_safe_loadbuffer(L, loop, strlen(loop), "=loop");
    if (status == LUA_OK) status = clua_pcall(L, 0, 0, 0);
    const char *message = lua_tostring(L, -1);
    CHECK(status != LUA_OK && message != NULL && strstr(message, "interrupted!") != NULL, "the loop ended: %s",
          message ? message : "(no message)");
    CHECK(clua_take_interrupt_fired(L) == 1, "the hook fired");
    csig_unsubscribe(lua);
    clua_close(L);
}

int main(void) {
    check_nesting();
    check_removal_out_of_order();
    check_pass_on_and_previous();
    check_default_ends_the_process();
    check_wait();
    check_lua_interrupt();
    CHECK(csig_depth() == 0, "subscriptions left: %d", csig_depth());
    if (failures) { fprintf(stderr, "%d signal check(s) failed\n", failures); return 1; }
    puts("all signal checks passed");
    return 0;
}
