/*
** file.c — makefile(): buffered file objects over a socket. (Being built;
** until then select sees no files.)
*/
#include "private.h"

int file_getfd(lua_State *L, int idx, int *fd, int *buffered) {
  (void)L; (void)idx; (void)fd; (void)buffered;
  return 0;
}
