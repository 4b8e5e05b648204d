/**
 * @file hc_posix_file.h
 * @brief Small files written atomically and read with a bound: where a
 *        POSIX program keeps an outbox image (hc_outbox.h) between runs.
 *
 * A save never leaves a half-written file behind, even across a crash or a
 * power cut: the bytes go to a new temporary file in the same directory
 * (mode 0600), which is flushed to disk and renamed over the old file, and
 * the directory is flushed too. A reader therefore sees the old contents or
 * the new ones, never a mix. Writers that may run at the same time must
 * still take turns (a lock around load, change and save), or one's save
 * replaces the other's.
 */
#ifndef HC_POSIX_FILE_H
#define HC_POSIX_FILE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Replace the file at @p path with @p len bytes from @p data, atomically.
 * @param[in] path the file; its directory must exist.
 * @param[in] data the bytes (may be NULL when @p len is 0).
 * @param[in] len how many.
 * @return 0, or an errno value (ENAMETOOLONG, EACCES, ENOSPC, EIO, ...);
 *         on failure the old file is untouched and no temporary file stays.
 */
int hc_posix_file_save(const char *path, const void *data, size_t len);

/**
 * Read the whole regular file @p path into @p buf.
 * @param[in] path the file.
 * @param[out] buf where its bytes go.
 * @param[in] cap at most this many.
 * @param[out] len how many were read.
 * @return 0; ENOENT when there is no such file; EFBIG when it holds more
 *         than @p cap bytes; EINVAL when it is not a regular file (a FIFO
 *         or a device could block or never end); another errno value.
 */
int hc_posix_file_load(const char *path, void *buf, size_t cap, size_t *len);

#ifdef __cplusplus
}
#endif

#endif /* HC_POSIX_FILE_H */
