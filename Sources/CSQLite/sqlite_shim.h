/* SQLite as Debian's libsqlite3-dev installs it. */
#include <sqlite3.h>

/* SQLITE_TRANSIENT is a cast of -1 to a function pointer, a macro Swift cannot import:
 * values bound with it are copied by SQLite before the bind returns. */
static inline sqlite3_destructor_type pidtrace_sqlite_transient(void) { return SQLITE_TRANSIENT; }
