#ifndef COCLICK_CLUASUPPORT_H
#define COCLICK_CLUASUPPORT_H
// The C half of the Lua bridge: the call trampoline, the message handler and the protected
// wrappers. Only C code here may raise a Lua error (longjmp); Swift frames never see one.
#include "../../CLua/shim.h"
#endif
