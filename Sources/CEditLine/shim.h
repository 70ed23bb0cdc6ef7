#ifndef COCLICK_CEDITLINE_SHIM_H
#define COCLICK_CEDITLINE_SHIM_H
// libedit (BSD licensed) through its native interface, histedit.h: el_gets with our own
// character reader (EL_GETCFN) is what lets Ctrl-C at the prompt clear the line instead of
// ending the process. Never GNU readline. Headers only: nothing links libedit; the shim loads
// libedit.so.2 (dlopen) when the REPL opens its editor.
#include <stdio.h>
#include <histedit.h>
#endif
