/* Understudy's version; the build adds the git revision (UNDERSTUDY_GIT). */
#ifndef UNDERSTUDY_VERSION_H
#define UNDERSTUDY_VERSION_H

#define UNDERSTUDY_VERSION "0.1.0"
#ifndef UNDERSTUDY_GIT
#define UNDERSTUDY_GIT "unknown"
#endif

#endif
