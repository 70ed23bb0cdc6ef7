#ifndef COCLICK_CEDITLINESHIM_H
#define COCLICK_CEDITLINESHIM_H
// The C side of the REPL's line editing: libedit's EditLine and History, the Tab hook, and
// Ctrl-C and resizes at the prompt (through a subscription to the signal owner, CSignals).
// Everything global lives here, so the Swift side only sees plain functions and an opaque editor.
#include <stddef.h>

typedef struct cedit_editor cedit_editor;

// Called on Tab with the text before the cursor (UTF-8). Sets *insert to text to insert at the
// cursor and/or *listing to candidates to show below the line; both malloc'd (or NULL), freed by
// the shim.
typedef void (*cedit_complete_fn)(void *context, const char *before_cursor, char **insert, char **listing);

// What a read ended with.
enum {
    CEDIT_LINE = 0,         // *line holds the line (malloc'd, no trailing newline)
    CEDIT_EOF = 1,          // Ctrl-D on an empty line, or end of input
    CEDIT_INTERRUPTED = 2,  // Ctrl-C: the line was dropped
    CEDIT_ERROR = 3,        // a read error (errno)
};

// Opens an editor on standard input/output (emacs bindings, ~/.editrc honoured, Tab bound to
// `complete`); NULL when libedit cannot work on this terminal, or cannot be loaded (the first
// call loads libedit.so.2 with dlopen: nothing links it).
cedit_editor *cedit_open(const char *program, cedit_complete_fn complete, void *context, int history_size);
void cedit_close(cedit_editor *editor);

// Reads one line with `prompt`. While it waits, SIGINT and SIGWINCH come here (its subscription
// to the signal owner is the newest; it is removed before it returns).
int cedit_read(cedit_editor *editor, const char *prompt, char **line);

// Adds an entry (possibly multi-line) to the in-memory history that Up/Down walk.
void cedit_history_add(cedit_editor *editor, const char *entry);

// Reads one line without editing (TERM=dumb): the prompt goes to standard output, and Ctrl-C
// drops the line as cedit_read does.
int cedit_plain_read(const char *prompt, char **line);

#endif
