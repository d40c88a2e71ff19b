/* version.h: the promgate version, shown by `promgate version` and
 * recorded in every report. */
#ifndef PG_VERSION_H
#define PG_VERSION_H

#define PG_VERSION "0.1.0"

#endif
