/* bbm-verify shim: linux/kfence.h is provided by bbm_shim.h */
#include "../../bbm_shim.h"
