/*
 * What the kernels need from the operating system, in one place: a second thread, the page size,
 * and two hints about pages (drop the pages of a file mapping that were parsed already; map all
 * pages of a fresh buffer in one call). POSIX systems (Linux, macOS) use pthreads, sysconf and
 * madvise; Windows uses its own threads and GetSystemInfo and takes both page hints as no-ops:
 * they save memory and page faults, the results are the same without them.
 *
 * HS_EXPORT marks the functions ctypes calls (a Windows DLL exports only what is marked);
 * HS_PREFETCH is a cache hint where the compiler has one.
 */
#ifndef HS_PLATFORM_H
#define HS_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#if defined(_MSC_VER) && !defined(__cplusplus) && _MSC_VER < 1928
#define inline __inline /* C mode before Visual Studio 2019 16.8 (/std:c11) spells it __inline */
#endif

#if defined(__GNUC__) || defined(__clang__)
#define HS_PREFETCH(address) __builtin_prefetch((address))
#define HS_PREFETCH_WRITE(address) __builtin_prefetch((address), 1)
#else
#define HS_PREFETCH(address) ((void)0)
#define HS_PREFETCH_WRITE(address) ((void)0)
#endif

#if defined(_WIN32)

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#define HS_EXPORT __declspec(dllexport)

typedef struct {
    HANDLE handle;
    void *(*work)(void *);
    void *argument;
} hs_thread;

static DWORD WINAPI hs_thread_main(LPVOID self) {
    hs_thread *thread = (hs_thread *)self;
    thread->work(thread->argument);
    return 0;
}

/* Start `work(argument)` on a new thread; 0 when none could be started. `thread` must stay put
   until hs_thread_join. */
static inline int hs_thread_start(hs_thread *thread, void *(*work)(void *), void *argument) {
    thread->work = work;
    thread->argument = argument;
    thread->handle = CreateThread(NULL, 0, hs_thread_main, thread, 0, NULL);
    return thread->handle != NULL;
}

static inline void hs_thread_join(hs_thread *thread) {
    WaitForSingleObject(thread->handle, INFINITE);
    CloseHandle(thread->handle);
}

static inline size_t hs_page_size(void) {
    SYSTEM_INFO info;
    GetSystemInfo(&info);
    return (size_t)info.dwPageSize;
}

static inline void hs_pages_drop(void *start, size_t bytes) {
    (void)start;
    (void)bytes;
}

static inline void hs_pages_populate(void *start, size_t bytes) {
    (void)start;
    (void)bytes;
}

#else /* POSIX */

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#define HS_EXPORT __attribute__((visibility("default")))

typedef struct {
    pthread_t thread;
} hs_thread;

static inline int hs_thread_start(hs_thread *thread, void *(*work)(void *), void *argument) {
    return pthread_create(&thread->thread, NULL, work, argument) == 0;
}

static inline void hs_thread_join(hs_thread *thread) { pthread_join(thread->thread, NULL); }

static inline size_t hs_page_size(void) { return (size_t)sysconf(_SC_PAGESIZE); }

/* Read-only file pages, parsed already: drop them from the address space (re-read on access). */
static inline void hs_pages_drop(void *start, size_t bytes) { madvise(start, bytes, MADV_DONTNEED); }

#if defined(__linux__)
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14+; older kernels say EINVAL and we fault as usual */
#endif
static inline void hs_pages_populate(void *start, size_t bytes) { madvise(start, bytes, MADV_POPULATE_WRITE); }
#else
static inline void hs_pages_populate(void *start, size_t bytes) {
    (void)start;
    (void)bytes;
}
#endif

#endif /* POSIX */

#endif /* HS_PLATFORM_H */
