/*
 * jellyfin.h: Jellyfin and Emby servers as importers (src/importer.h),
 * one client for both: the HTTP API Jellyfin kept from Emby. See
 * src/jellyfin.c for what is read and how.
 */
#ifndef RV_JELLYFIN_H
#define RV_JELLYFIN_H

#include "src/importer.h"

extern const struct importer importer_jellyfin;
extern const struct importer importer_emby;

#endif
