/*
 * Files on the volume understudy.efi was loaded from (UEFI 2.x, 13.4
 * "Simple File System Protocol", 13.5 "File Protocol"), named by ESP paths
 * in ASCII ("\EFI\understudy\guest.elf").
 */
#include "boot/efi/loader.h"

#define ASCII_LIMIT 0x80 /* UCS-2 characters below it are ASCII */
#define NON_ASCII '?'

/* ASCII to the firmware's UCS-2. */
static void to_ucs2(const char *s, CHAR16 *out, size_t out_len)
{
	size_t i = 0;

	for (; s[i] && i < out_len - 1; i++)
		out[i] = (CHAR16)(u8)s[i];
	out[i] = 0;
}

/* Appends the file-path nodes of a device path to out, in ASCII (UEFI 2.x,
 * 10.3.5.4 "File Path Media Device Path"). */
static void file_path_ascii(EFI_DEVICE_PATH *dp, char *out, size_t out_size)
{
	size_t n = 0;

	for (; !IsDevicePathEnd(dp); dp = NextDevicePathNode(dp)) {
		FILEPATH_DEVICE_PATH *fp = (FILEPATH_DEVICE_PATH *)dp;

		if (DevicePathType(dp) != MEDIA_DEVICE_PATH || DevicePathSubType(dp) != MEDIA_FILEPATH_DP)
			continue;
		if (n && out[n - 1] != '\\' && fp->PathName[0] != '\\' && n < out_size - 1)
			out[n++] = '\\';
		for (CHAR16 *c = fp->PathName; *c && n < out_size - 1; c++)
			out[n++] = *c < ASCII_LIMIT ? (char)*c : NON_ASCII;
	}
	out[n] = '\0';
}

EFI_STATUS esp_open(struct loader *ld)
{
	EFI_LOADED_IMAGE *li;
	EFI_STATUS st;

	st = uefi_call_wrapper(BS->HandleProtocol, 3, ld->image, &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(st))
		return loader_fail(st, L"cannot find its own loaded image");
	ld->loaded = li;
	ld->root = LibOpenRoot(li->DeviceHandle);
	if (!ld->root)
		return loader_fail(EFI_NOT_FOUND, L"cannot open the volume it was loaded from");
	if (li->FilePath)
		file_path_ascii(li->FilePath, ld->self, sizeof(ld->self));
	return EFI_SUCCESS;
}

static EFI_STATUS file_size(EFI_FILE_HANDLE fh, u64 *size)
{
	EFI_FILE_INFO *info = LibFileInfo(fh);

	if (!info)
		return EFI_DEVICE_ERROR;
	*size = info->FileSize;
	FreePool(info);
	return EFI_SUCCESS;
}

/* Memory for a file of size bytes, of the kind dest says. */
static EFI_STATUS allocate(enum esp_dest dest, u64 size, void **data)
{
	EFI_PHYSICAL_ADDRESS addr = BELOW_4G;
	EFI_STATUS st;

	if (dest == ESP_POOL) {
		*data = AllocatePool(size ? size : 1);
		return *data ? EFI_SUCCESS : EFI_OUT_OF_RESOURCES;
	}
	st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress, EfiLoaderData,
			       EFI_SIZE_TO_PAGES(size ? size : 1), &addr);
	*data = (void *)(uptr)addr;
	return st;
}

void esp_free(enum esp_dest dest, void *data, u64 size)
{
	if (dest == ESP_POOL)
		FreePool(data);
	else
		uefi_call_wrapper(BS->FreePages, 2, (EFI_PHYSICAL_ADDRESS)(uptr)data,
				  EFI_SIZE_TO_PAGES(size ? size : 1));
}

/* Reads size bytes; the firmware may return fewer per call. */
static EFI_STATUS read_all(EFI_FILE_HANDLE fh, u8 *buf, u64 size)
{
	u64 done = 0;

	while (done < size) {
		UINTN n = size - done;
		EFI_STATUS st = uefi_call_wrapper(fh->Read, 3, fh, &n, buf + done);

		if (EFI_ERROR(st))
			return st;
		if (n == 0)
			return EFI_END_OF_FILE;
		done += n;
	}
	return EFI_SUCCESS;
}

EFI_STATUS esp_read(struct loader *ld, const char *path, enum esp_dest dest, u64 max,
		    void **data, u64 *size)
{
	CHAR16 wpath[EFI_CFG_PATH_MAX];
	EFI_FILE_HANDLE fh;
	EFI_STATUS st;

	to_ucs2(path, wpath, EFI_CFG_PATH_MAX);
	st = uefi_call_wrapper(ld->root->Open, 5, ld->root, &fh, wpath, EFI_FILE_MODE_READ, 0ULL);
	if (EFI_ERROR(st))
		return st;
	st = file_size(fh, size);
	if (!EFI_ERROR(st) && *size > max)
		st = EFI_BAD_BUFFER_SIZE;
	if (!EFI_ERROR(st))
		st = allocate(dest, *size, data);
	if (!EFI_ERROR(st)) {
		st = read_all(fh, *data, *size);
		if (EFI_ERROR(st))
			esp_free(dest, *data, *size);
	}
	uefi_call_wrapper(fh->Close, 1, fh);
	return st;
}
