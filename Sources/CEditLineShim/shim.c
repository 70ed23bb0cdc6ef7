// libedit's native API (histedit.h) with our own character reader. Why our own reader: libedit's
// read_char retries a read interrupted by a signal once and then fails in a way that leaves no
// trace of which signal it was, and its own signal handling (EL_SIGNAL) re-raises SIGINT to the
// whole process group. Reading through poll(2) on the terminal and the descriptor of our
// subscription to the signal owner (CSignals), we know that Ctrl-C was typed, make el_gets
// return at once (read error EINTR), and tell the REPL to show a fresh prompt. The terminal is restored by el_gets itself on that path.
//
// libedit itself is loaded (dlopen) by the first editor opened, not linked: only the interactive
// REPL edits lines, and every other start (eval, run, a script on standard input) would map it and
// its dependencies (libtinfo, libbsd, libmd) for nothing. histedit.h still gives the types, the
// constants and the functions' prototypes (the table below is typed by them).
#define _GNU_SOURCE
#include "CEditLineShim.h"
#include "CSignals.h"
#include <histedit.h>
#include <dlfcn.h>
#include <errno.h>
#include <locale.h>
#include <langinfo.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

struct cedit_editor {
    EditLine *el;
    History *history;
    cedit_complete_fn complete;
    void *context;
    char *prompt;
    FILE *out;
};

// ---------------------------------------------------------------------------------------------
// libedit, loaded once, by the first cedit_open: every function of it the shim calls, named as it
// is and typed by its prototype in histedit.h (so a call through the table is checked as a direct
// call would be). Calls go through `libedit.` only; nothing links libedit.

#define LIBEDIT_FUNCTION(name) __typeof__(&name) name
static struct {
    LIBEDIT_FUNCTION(el_init);
    LIBEDIT_FUNCTION(el_end);
    LIBEDIT_FUNCTION(el_set);
    LIBEDIT_FUNCTION(el_get);
    LIBEDIT_FUNCTION(el_gets);
    LIBEDIT_FUNCTION(el_line);
    LIBEDIT_FUNCTION(el_insertstr);
    LIBEDIT_FUNCTION(el_push);
    LIBEDIT_FUNCTION(el_resize);
    LIBEDIT_FUNCTION(el_source);
    LIBEDIT_FUNCTION(history_init);
    LIBEDIT_FUNCTION(history_end);
    LIBEDIT_FUNCTION(history);
} libedit;
#undef LIBEDIT_FUNCTION

static pthread_once_t libedit_once = PTHREAD_ONCE_INIT;
// Whether every function of the table was found (set once, under libedit_once).
static int libedit_loaded = 0;

static void load_libedit(void) {
    // The soname Debian's libedit2 ships (and the package depends on). RTLD_LOCAL: its symbols
    // (readline's names among them) stay out of the process's global scope.
    void *library = dlopen("libedit.so.2", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) return;
#define LOAD(name) ((libedit.name = (__typeof__(libedit.name))dlsym(library, #name)) != NULL)
    int found = LOAD(el_init) && LOAD(el_end) && LOAD(el_set) && LOAD(el_get) && LOAD(el_gets)
        && LOAD(el_line) && LOAD(el_insertstr) && LOAD(el_push) && LOAD(el_resize) && LOAD(el_source)
        && LOAD(history_init) && LOAD(history_end) && LOAD(history);
#undef LOAD
    if (!found) {
        // A libedit without one of them: no editor at all, rather than one that crashes later.
        memset(&libedit, 0, sizeof libedit);
        dlclose(library);
        return;
    }
    libedit_loaded = 1;  // the library stays loaded for the process's life
}

// Whether libedit could be loaded (the first call loads it; later ones only look).
static int have_libedit(void) {
    pthread_once(&libedit_once, load_libedit);
    return libedit_loaded;
}

// ---------------------------------------------------------------------------------------------
// Signals while waiting at the prompt: a subscription to the signal owner (CSignals) for SIGINT
// and SIGWINCH, on top of the stack for the length of a read (the Lua state's SIGINT hook sits
// below it and gets Ctrl-C back once the read is over). The owner counts the signals and wakes
// the subscription's descriptor; the reader, not a handler, acts on them.

static csig_subscription *read_signals = NULL;
// Set once Ctrl-C failed a read of this cedit_read: every later read fails too, so that whatever
// libedit loop is reading (the line, or a Ctrl-R search that would take the failure for an end of
// file) unwinds to el_gets, and the read ends as interrupted, never as the end of input.
static int read_interrupted = 0;

static void subscribe_signals(void) {
    read_signals = csig_subscribe(CSIG_BIT(SIGINT) | CSIG_BIT(SIGWINCH), 0, NULL, NULL);
}

static void unsubscribe_signals(void) {
    csig_unsubscribe(read_signals);
    read_signals = NULL;
}

// Waits for one byte of `fd`. Returns 1 (byte read), 0 (end of input), -1 with errno EINTR
// (Ctrl-C) or another errno. `on_resize` runs when the window changed size.
static int read_byte(int fd, char *byte, void (*on_resize)(void *), void *arg) {
    for (;;) {
        if (read_interrupted) {
            errno = EINTR;
            return -1;
        }
        if (csig_take(read_signals, SIGINT) > 0) {
            read_interrupted = 1;
            csig_drain(read_signals);
            errno = EINTR;
            return -1;
        }
        if (csig_take(read_signals, SIGWINCH) > 0) {
            if (on_resize) on_resize(arg);
        }
        int wake = csig_fd(read_signals);
        struct pollfd fds[2] = {
            {.fd = fd, .events = POLLIN, .revents = 0},
            {.fd = wake, .events = POLLIN, .revents = 0},
        };
        int ready = poll(fds, wake >= 0 ? 2 : 1, -1);
        if (ready < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        // The owner counts the signal before it wakes the descriptor: the next turn sees it.
        if (fds[1].revents & POLLIN) csig_drain(read_signals);
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = read(fd, byte, 1);
            if (n == 1) return 1;
            if (n == 0) return 0;
            if (errno == EINTR || errno == EAGAIN) continue;
            return -1;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The editor.

static void resize(void *arg) {
    EditLine *el = arg;
    libedit.el_resize(el);
    libedit.el_set(el, EL_REFRESH);
}

// libedit's character reader, replaced: a byte at a time through read_byte, decoded as the
// locale says (UTF-8), as libedit's own read_char does.
static int read_char(EditLine *el, wchar_t *out) {
    char bytes[MB_LEN_MAX];
    size_t count = 0;
    for (;;) {
        int status = read_byte(STDIN_FILENO, &bytes[count], resize, el);
        if (status <= 0) {
            *out = L'\0';
            return status;
        }
        count++;
        mbstate_t state;
        memset(&state, 0, sizeof state);
        size_t used = mbrtowc(out, bytes, count, &state);
        if (used == (size_t)-2) {
            if (count < sizeof bytes) continue;
            count = 0;  // too long: drop it
        } else if (used == (size_t)-1) {
            count = 0;  // invalid: drop it, as libedit does
        } else {
            return 1;
        }
    }
}

static char *prompt_of(EditLine *el) {
    cedit_editor *editor = NULL;
    libedit.el_get(el, EL_CLIENTDATA, &editor);
    return editor && editor->prompt ? editor->prompt : "> ";
}

// Tab: ask the host for what to insert or list.
static unsigned char complete(EditLine *el, int ch) {
    (void)ch;
    cedit_editor *editor = NULL;
    libedit.el_get(el, EL_CLIENTDATA, &editor);
    if (editor == NULL || editor->complete == NULL) return CC_ERROR;
    const LineInfo *info = libedit.el_line(el);
    size_t length = (size_t)(info->cursor - info->buffer);
    char *before = strndup(info->buffer, length);
    if (before == NULL) return CC_ERROR;
    char *insert = NULL, *listing = NULL;
    editor->complete(editor->context, before, &insert, &listing);
    free(before);
    unsigned char result = CC_REFRESH_BEEP;
    if (insert != NULL && insert[0] != '\0') {
        result = libedit.el_insertstr(el, insert) == 0 ? CC_REFRESH : CC_ERROR;
    } else if (listing != NULL && listing[0] != '\0') {
        fprintf(editor->out, "\n%s\n", listing);
        fflush(editor->out);
        result = CC_REDISPLAY;
    }
    free(insert);
    free(listing);
    return result;
}

static void ensure_utf8_locale(void) {
    // libedit decodes input by the locale; the process starts in "C" until someone sets it.
    const char *current = setlocale(LC_CTYPE, NULL);
    if (current == NULL || strcmp(current, "C") == 0 || strcmp(current, "POSIX") == 0) {
        if (setlocale(LC_CTYPE, "") == NULL || strcmp(nl_langinfo(CODESET), "UTF-8") != 0) {
            setlocale(LC_CTYPE, "C.UTF-8");
        }
    }
}

cedit_editor *cedit_open(const char *program, cedit_complete_fn complete_fn, void *context, int history_size) {
    ensure_utf8_locale();
    if (!have_libedit()) return NULL;  // no libedit.so.2 (or an incomplete one): plain lines
    cedit_editor *editor = calloc(1, sizeof *editor);
    if (editor == NULL) return NULL;
    editor->out = stdout;
    editor->el = libedit.el_init(program, stdin, stdout, stderr);
    editor->history = libedit.history_init();
    if (editor->el == NULL || editor->history == NULL) {
        cedit_close(editor);
        return NULL;
    }
    HistEvent event;
    libedit.history(editor->history, &event, H_SETSIZE, history_size > 0 ? history_size : 1000);
    editor->complete = complete_fn;
    editor->context = context;

    EditLine *el = editor->el;
    libedit.el_set(el, EL_CLIENTDATA, editor);
    libedit.el_set(el, EL_EDITOR, "emacs");
    libedit.el_set(el, EL_SIGNAL, 0);
    libedit.el_set(el, EL_GETCFN, read_char);
    libedit.el_set(el, EL_PROMPT, prompt_of);
    libedit.el_set(el, EL_HIST, libedit.history, editor->history);
    libedit.el_set(el, EL_ADDFN, "coclick-complete", "Complete Lua names and coclick bindings", complete);
    libedit.el_set(el, EL_BIND, "^I", "coclick-complete", NULL);
    libedit.el_source(el, NULL);  // ~/.editrc, as every libedit program reads it
    return editor;
}

void cedit_close(cedit_editor *editor) {
    if (editor == NULL) return;
    if (editor->el) libedit.el_end(editor->el);
    if (editor->history) libedit.history_end(editor->history);
    free(editor->prompt);
    free(editor);
}

int cedit_read(cedit_editor *editor, const char *prompt, char **line) {
    *line = NULL;
    free(editor->prompt);
    editor->prompt = strdup(prompt ? prompt : "> ");
    subscribe_signals();
    // libedit shows the prompt while the terminal is still in cooked mode and leaves it only at
    // the first read: a Ctrl-D typed in between would be eaten by the line discipline as an EOF
    // marker. Leaving canonical mode first closes that gap; the modes are restored after.
    struct termios before;
    int have_modes = tcgetattr(STDIN_FILENO, &before) == 0;
    if (have_modes && (before.c_lflag & ICANON)) {
        // What was typed ahead while code ran sits in the cooked buffer: take it now, while an
        // early Ctrl-D still reads as end of input, and hand a line to libedit as typed keys.
        struct pollfd pending = {.fd = STDIN_FILENO, .events = POLLIN, .revents = 0};
        if (poll(&pending, 1, 0) == 1 && (pending.revents & POLLIN)) {
            char ahead[1024];
            ssize_t n = read(STDIN_FILENO, ahead, sizeof ahead - 1);
            if (n == 0) {
                unsubscribe_signals();
                return CEDIT_EOF;
            }
            if (n > 0) {
                ahead[n] = '\0';
                libedit.el_push(editor->el, ahead);
            }
        }
    }
    if (have_modes) {
        struct termios raw = before;
        raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
        raw.c_cc[VMIN] = 1;
        raw.c_cc[VTIME] = 0;
        tcsetattr(STDIN_FILENO, TCSADRAIN, &raw);
    }
    int count = 0;
    errno = 0;
    read_interrupted = 0;
    int failed_before = ferror(editor->out);
    const char *text = libedit.el_gets(editor->el, &count);
    int error = errno;
    int interrupted = read_interrupted;
    read_interrupted = 0;
    // libedit's own writes (prompt, echo, redraws) run under the owner's SIGINT and SIGWINCH
    // handler, which does not restart calls, so one of them can fail with EINTR and leave
    // stdout's sticky error flag set; that is no lost program output, and the run's end would
    // report it as such (exit 74).
    if (!failed_before && ferror(editor->out)) clearerr(editor->out);
    if (have_modes) tcsetattr(STDIN_FILENO, TCSADRAIN, &before);
    unsubscribe_signals();
    if (interrupted || text == NULL || count <= 0) {
        // Ctrl-C during an incremental search ends el_gets as an end of file (count 0): it is
        // still Ctrl-C, which drops the line and keeps the REPL.
        if (interrupted || (count < 0 && error == EINTR)) {
            fputs("^C\n", editor->out);
            fflush(editor->out);
            return CEDIT_INTERRUPTED;
        }
        if (count < 0) {
            errno = error;
            return CEDIT_ERROR;
        }
        return CEDIT_EOF;
    }
    size_t length = (size_t)count;
    while (length > 0 && (text[length - 1] == '\n' || text[length - 1] == '\r')) length--;
    *line = strndup(text, length);
    return *line ? CEDIT_LINE : CEDIT_ERROR;
}

void cedit_history_add(cedit_editor *editor, const char *entry) {
    HistEvent event;
    libedit.history(editor->history, &event, H_ENTER, entry);
}

// ---------------------------------------------------------------------------------------------
// Plain lines (TERM=dumb, not a terminal, or no libedit to load).

int cedit_plain_read(const char *prompt, char **line) {
    *line = NULL;
    fputs(prompt ? prompt : "> ", stdout);
    fflush(stdout);
    subscribe_signals();
    read_interrupted = 0;
    size_t capacity = 128, length = 0;
    char *buffer = malloc(capacity);
    int result = CEDIT_LINE;
    if (buffer == NULL) result = CEDIT_ERROR;
    while (buffer != NULL) {
        char byte;
        int status = read_byte(STDIN_FILENO, &byte, NULL, NULL);
        if (status == 1) {
            if (byte == '\n') break;
            if (length + 2 > capacity) {
                char *bigger = realloc(buffer, capacity * 2);
                if (bigger == NULL) { result = CEDIT_ERROR; break; }
                buffer = bigger;
                capacity *= 2;
            }
            buffer[length++] = byte;
            continue;
        }
        if (status == 0) { result = length > 0 ? CEDIT_LINE : CEDIT_EOF; break; }
        result = errno == EINTR ? CEDIT_INTERRUPTED : CEDIT_ERROR;
        if (result == CEDIT_INTERRUPTED) { fputs("\n", stdout); fflush(stdout); }
        break;
    }
    read_interrupted = 0;
    unsubscribe_signals();
    if (result == CEDIT_LINE && buffer != NULL) {
        if (length > 0 && buffer[length - 1] == '\r') length--;
        buffer[length] = '\0';
        *line = buffer;
    } else {
        free(buffer);
    }
    return result;
}
