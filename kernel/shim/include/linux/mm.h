/* bbm-verify shim: linux/mm.h is provided by bbm_shim.h */
#include "../../bbm_shim.h"
