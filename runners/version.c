/* version.c: what -V/--version prints in every command: promgate's
 * version, the build revision and the versions of the libraries it runs
 * with (the runtime ones, which can differ from those it was built with). */
#include <stdio.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <curl/curl.h>
#include <jansson.h>
#include <pcre2.h>

#include "revision.h"
#include "cmd.h"

void pg_print_version(FILE *out)
{
    char pcre[64] = "unknown";
    if (pcre2_config(PCRE2_CONFIG_VERSION, NULL) <= (int)sizeof pcre)
        pcre2_config(PCRE2_CONFIG_VERSION, pcre);
    fprintf(out, "promgate %s\n", PG_VERSION);
    fprintf(out, "revision %s\n", PG_REVISION[0] ? PG_REVISION : "unknown");
    fprintf(out, "libcurl %s\n", curl_version_info(CURLVERSION_NOW)->version);
    fprintf(out, "PCRE2 %s\n", pcre);
    fprintf(out, "jansson %s\n", jansson_version_str());
}
