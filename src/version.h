/* version.h: the release, for --version and ID. */
#ifndef MDIMAPD_VERSION
#define MDIMAPD_VERSION	"0.1.0"
#endif
