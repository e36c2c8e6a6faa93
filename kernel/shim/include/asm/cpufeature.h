/* bbm-verify shim: asm/cpufeature.h is provided by bbm_shim.h */
#include "../../bbm_shim.h"
