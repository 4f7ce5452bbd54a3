/*
 * media.h: looking inside media files with libavformat and libavfilter:
 * a quick probe (streams, codecs, size, frame rate, duration) and a full
 * decode through analysis filters (ebur128 integrated loudness,
 * blackdetect, silencedetect). Both can be interrupted through *cancel and
 * keep no state between calls, so they run on any number of threads.
 */
#ifndef RV_MEDIA_H
#define RV_MEDIA_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct AVFormatContext;

/*
 * Open a library file with libavformat: a local regular file, read through
 * the file protocol only (nested opens too: a playlist or a reference
 * inside the file cannot reach the network). A URL (http://, tcp://,
 * udp://, pipe:, ...) and anything but a regular file (a directory, a
 * device, a FIFO, a socket) are refused with a message naming path; a
 * "file:" prefix is allowed. Like avformat_open_input: *icp is NULL or a
 * context from avformat_alloc_context() (with its interrupt callback and
 * limits set), and it is freed on failure. 0, or a negative AVERROR with
 * *cause.
 */
int media_open_input(struct AVFormatContext **icp, const char *path, char **cause);
/*
 * The same check without opening: 0 for a local regular file, else -1
 * with *cause and errno (ENOENT and the like: missing; EPERM: refused).
 */
int media_check_local(const char *path, char **cause);

struct media_info {
	int64_t duration_ms;            /* 0: unknown */
	int64_t size;                   /* bytes */
	int has_video;
	int has_audio;
	char container[32];
	char video_codec[32];
	char audio_codec[32];
	int width;
	int height;
	double fps;                     /* 0: unknown */
	int sample_rate;
	int channels;
};

/* Open path and read its stream headers. 0, or -1 with *cause. */
int media_probe(const char *path, struct media_info *mi, atomic_int *cancel, char **cause);

/* A chapter embedded in a file (Matroska, MP4). */
struct media_chapter {
	int64_t start_ms;
	int64_t end_ms;                 /* 0: not given */
	char *title;                    /* NULL: none */
};

/*
 * media_probe, and the file's chapters in order into *chapters (NULL and 0
 * when it has none; free with media_chapters_free).
 */
int media_probe_chapters(const char *path, struct media_info *mi,
    struct media_chapter **chapters, size_t *nchapters, atomic_int *cancel, char **cause);
void media_chapters_free(struct media_chapter **cp, size_t n);

struct media_span {
	int64_t start_ms;
	int64_t end_ms;
};

#define MEDIA_LOUDNESS  0x1
#define MEDIA_BLACK     0x2
#define MEDIA_SILENCE   0x4

struct media_analyse_opts {
	int what;                       /* MEDIA_* */
	double black_pix_th;            /* blackdetect pix_th; 0: 0.10 */
	double black_pic_th;            /* blackdetect pic_th; 0: 0.98 */
	double silence_db;              /* silencedetect noise; 0: -50 dB */
	double silence_min_s;           /* silencedetect d; 0: 0.1 s */
	atomic_int *cancel;
	void (*progress)(void *arg, int64_t done_ms, int64_t total_ms);
	void *arg;
};

struct media_analysis {
	double loudness_lufs;           /* integrated (EBU R128); NAN if not measured */
	struct media_span *black;       /* every black span, however short */
	size_t nblack;
	struct media_span *silence;
	size_t nsilence;
	int64_t end_ms;                 /* the last timestamp decoded */
	int64_t file_end_ms;            /* where the file's last packet ends (its real length); 0: unknown */
};

/* Decode path through the filters asked for. 0, or -1 with *cause. */
int media_analyse(const char *path, const struct media_analyse_opts *o,
    struct media_analysis *out, char **cause);
void media_analysis_clear(struct media_analysis *a);

/* Video file extensions importers look for (".mkv", ...); NULL-terminated. */
extern const char *const media_video_exts[];
/* Does name end in one of them (case-insensitive)? */
int media_is_video_name(const char *name);

#endif
