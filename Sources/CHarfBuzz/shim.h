#include <hb.h>
#include <hb-ot.h>
#include <fontconfig/fontconfig.h>
#include <zlib.h>
