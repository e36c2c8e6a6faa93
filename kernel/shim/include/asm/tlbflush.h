/* bbm-verify shim: asm/tlbflush.h is provided by bbm_shim.h */
#include "../../bbm_shim.h"
