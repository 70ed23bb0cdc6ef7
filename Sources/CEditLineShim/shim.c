// libedit's native API (histedit.h) with our own character reader. Why our own reader: libedit's
// read_char retries a read interrupted by a signal once and then fails in a way that leaves no
// trace of which signal it was, and its own signal handling (EL_SIGNAL) re-raises SIGINT to the
// whole process group. Reading through poll(2) on the terminal and the descriptor of our
// subscription to the signal owner (CSignals), we know that Ctrl-C was typed, make el_gets
// return at once (read error EINTR), and tell the REPL to show a fresh prompt. The terminal is restored by el_gets itself on that path.
#define _GNU_SOURCE
#include "CEditLineShim.h"
#include "CSignals.h"
#include <histedit.h>
#include <errno.h>
#include <locale.h>
#include <langinfo.h>
#include <limits.h>
#include <poll.h>
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
    el_resize(el);
    el_set(el, EL_REFRESH);
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
    el_get(el, EL_CLIENTDATA, &editor);
    return editor && editor->prompt ? editor->prompt : "> ";
}

// Tab: ask the host for what to insert or list.
static unsigned char complete(EditLine *el, int ch) {
    (void)ch;
    cedit_editor *editor = NULL;
    el_get(el, EL_CLIENTDATA, &editor);
    if (editor == NULL || editor->complete == NULL) return CC_ERROR;
    const LineInfo *info = el_line(el);
    size_t length = (size_t)(info->cursor - info->buffer);
    char *before = strndup(info->buffer, length);
    if (before == NULL) return CC_ERROR;
    char *insert = NULL, *listing = NULL;
    editor->complete(editor->context, before, &insert, &listing);
    free(before);
    unsigned char result = CC_REFRESH_BEEP;
    if (insert != NULL && insert[0] != '\0') {
        result = el_insertstr(el, insert) == 0 ? CC_REFRESH : CC_ERROR;
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
    cedit_editor *editor = calloc(1, sizeof *editor);
    if (editor == NULL) return NULL;
    editor->out = stdout;
    editor->el = el_init(program, stdin, stdout, stderr);
    editor->history = history_init();
    if (editor->el == NULL || editor->history == NULL) {
        cedit_close(editor);
        return NULL;
    }
    HistEvent event;
    history(editor->history, &event, H_SETSIZE, history_size > 0 ? history_size : 1000);
    editor->complete = complete_fn;
    editor->context = context;

    EditLine *el = editor->el;
    el_set(el, EL_CLIENTDATA, editor);
    el_set(el, EL_EDITOR, "emacs");
    el_set(el, EL_SIGNAL, 0);
    el_set(el, EL_GETCFN, read_char);
    el_set(el, EL_PROMPT, prompt_of);
    el_set(el, EL_HIST, history, editor->history);
    el_set(el, EL_ADDFN, "coclick-complete", "Complete Lua names and coclick bindings", complete);
    el_set(el, EL_BIND, "^I", "coclick-complete", NULL);
    el_source(el, NULL);  // ~/.editrc, as every libedit program reads it
    return editor;
}

void cedit_close(cedit_editor *editor) {
    if (editor == NULL) return;
    if (editor->el) el_end(editor->el);
    if (editor->history) history_end(editor->history);
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
                el_push(editor->el, ahead);
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
    const char *text = el_gets(editor->el, &count);
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
    history(editor->history, &event, H_ENTER, entry);
}

// ---------------------------------------------------------------------------------------------
// Plain lines (TERM=dumb, or libedit unavailable).

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
