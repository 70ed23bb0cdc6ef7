#ifndef COCLICK_CEDITLINESHIM_H
#define COCLICK_CEDITLINESHIM_H
// The completion hook and libedit's globals, kept on the C side.
#endif
