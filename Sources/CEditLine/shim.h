#ifndef COCLICK_CEDITLINE_SHIM_H
#define COCLICK_CEDITLINE_SHIM_H
// libedit (BSD licensed) through its readline-compatible interface. Never GNU readline.
#include <stdio.h>
#include <editline/readline.h>
#endif
