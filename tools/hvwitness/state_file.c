/*
 * The witness's state file: the lease's epoch, holder and duration as one
 * STATE frame (proto/witness_lease.h), replaced whole by writing a new
 * file beside it and renaming it over the old, so that a crash leaves
 * either the old state or the new one, never a mix.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <string.h>
#include <unistd.h>

#include "hvwitness.h"

#define PATH_SIZE 4096

int state_load(const char *path, struct wit_lease *l, u64 now, char *err, size_t err_size)
{
	u8 buf[WIT_FRAME_MAX + 1];
	const char *why;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0) {
		snprintf(err, err_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0) {
		snprintf(err, err_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (wit_lease_load(l, buf, (size_t)n, now, &why)) {
		snprintf(err, err_size, "%s: not a witness state file: %s", path, why);
		return -1;
	}
	return 1;
}

/* Writes all of buf to a new file at path and syncs it. */
static int write_synced(const char *path, const u8 *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	size_t done = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while (done < len) {
		n = write(fd, buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	if (done < len || fsync(fd)) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* Makes a rename in path's folder last (best effort: some file systems
 * cannot sync a folder). */
static void sync_folder(const char *path)
{
	char copy[PATH_SIZE];
	int fd;

	snprintf(copy, sizeof(copy), "%s", path);
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int state_save(const char *path, const struct wit_lease *l, char *err, size_t err_size)
{
	char tmp[PATH_SIZE];
	u8 buf[WIT_FRAME_MAX];
	int len = wit_lease_save(l, buf, sizeof(buf));

	if (len < 0) {
		snprintf(err, err_size, "the lease does not encode (%d)", len);
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (write_synced(tmp, buf, (size_t)len) || rename(tmp, path)) {
		snprintf(err, err_size, "%s: %s", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	sync_folder(path);
	return 0;
}
