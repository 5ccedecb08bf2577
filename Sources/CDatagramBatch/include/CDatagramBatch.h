#ifndef MERIDIAN_CDATAGRAMBATCH_H
#define MERIDIAN_CDATAGRAMBATCH_H
// recvmmsg/sendmmsg for Swift. Swift's Glibc module is built without _GNU_SOURCE, so
// `struct mmsghdr` is invisible there; this mirrors its layout (checked in the .c file).
#include <sys/socket.h>
#include <time.h>

typedef struct {
    struct msghdr msg_hdr;
    unsigned int msg_len;
} meridian_mmsghdr;

int meridian_recvmmsg(int fd, meridian_mmsghdr *messages, unsigned int count, int flags, struct timespec *timeout);
int meridian_sendmmsg(int fd, meridian_mmsghdr *messages, unsigned int count, int flags);

#endif
