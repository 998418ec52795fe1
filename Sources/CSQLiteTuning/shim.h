#include <sqlite3.h>

/// Turns off SQLite's memory statistics for the whole process. With them on, every allocation and free inside SQLite
/// takes one global mutex (a tenth of the seed's writing thread). Only works before SQLite is first initialised;
/// afterwards it returns SQLITE_MISUSE and changes nothing. sqlite3_config is variadic, which Swift cannot call.
static inline int madoguchi_sqlite_memstatus_off(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
