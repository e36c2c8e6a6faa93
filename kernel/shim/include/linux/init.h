/* bbm-verify shim: linux/init.h is provided by bbm_shim.h */
#include "../../bbm_shim.h"
