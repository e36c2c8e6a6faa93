/* bbm-verify shim: linux/mutex.h is provided by bbm_shim.h */
#include "../../bbm_shim.h"
