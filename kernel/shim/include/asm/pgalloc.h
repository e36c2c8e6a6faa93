/* bbm-verify shim: asm/pgalloc.h is provided by bbm_shim.h */
#include "../../bbm_shim.h"
