/* version.h - the release of convex. */
#ifndef CONVEX_VERSION_H
#define CONVEX_VERSION_H
#define CONVEX_VERSION "0.1.0"
#endif
