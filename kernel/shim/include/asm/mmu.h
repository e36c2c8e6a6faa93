/* bbm-verify shim: asm/mmu.h is provided by bbm_shim.h */
#include "../../bbm_shim.h"
