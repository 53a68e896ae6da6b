#pragma once
/// Resuming a computation after a crash, a `kill -9` or a failed task.
///
/// A computation's folder under work_dir is named from a fingerprint of its
/// plan (see plan_fingerprint), so the same computation run again finds the
/// folder of the previous attempt. In it, ResumeState keeps markers, written
/// only after what they vouch for is safely stored:
///   .resume/op-<i>.begun   the operation's output array was created
///   .resume/op-<i>/<t>     task t succeeded (all its chunks written); on a
///                          local work_dir, instead, one append-only log per
///                          process, .resume/op-<i>/<host>-<pid>.log, of
///                          16-byte records (task, task ^ a constant): a file
///                          per task costs a create and a rename, 100s of µs
///                          on a busy disk, where an append costs a write(2).
///                          A torn last record (kill -9) is ignored.
///   .resume/op-<i>.done    every task succeeded and the metadata is written
/// A task counts as done only through its marker, never because a chunk file
/// exists: a missing chunk may be a legitimate fill chunk
/// (write_empty_chunks=false) and a present one may belong to a task that
/// wrote only some of its chunks (region copies).
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "cubed/storage/store.hpp"

namespace cubed {

class Plan;

/// 32 hex digits identifying a computation: its operations (function names,
/// shapes, chunks, dtypes, task grids, dependencies), its sources (Zarr
/// locations; the content of in-memory and generated arrays, up to 64 MB),
/// its targets and their storage options, the intermediate compressor, and
/// `key`. Chunk functions are opaque: values they capture (the 2 in `x * 2`)
/// are not seen, so callers that vary such values between otherwise equal
/// plans in one work_dir must pass a `key` that tells them apart (the CLI
/// passes the expression and its arguments).
std::string plan_fingerprint(const Plan& plan, const std::string& key);

/// The markers of one computation folder (see file comment). Thread safe.
class ResumeState {
 public:
  explicit ResumeState(storage::StorePath folder);
  ~ResumeState();
  ResumeState(const ResumeState&) = delete;
  ResumeState& operator=(const ResumeState&) = delete;
  bool operation_begun(int op) const;
  bool operation_done(int op) const;
  void mark_begun(int op);
  void mark_done(int op);
  /// Per task of `op`: whether its marker exists (one listing).
  std::vector<bool> tasks_done(int op, std::int64_t num_tasks) const;
  void mark_task_done(int op, std::int64_t task);

 private:
  std::string key(const std::string& name) const;
  // The file descriptor of this process's log for `op`, opened once.
  int task_log(int op);

  storage::StorePath folder_;
  std::string local_root_;  // the folder's path when it is on the local filesystem, else empty
  std::mutex mutex_;
  std::map<int, int> task_logs_;  // op -> file descriptor
};

/// An exclusive lock on a computation folder of a local work_dir (flock on
/// "<folder>.lock"), so that two runs of the same computation never share a
/// folder. No-op for non-local work dirs.
class FolderLock {
 public:
  /// Tries to lock; locked() tells whether it succeeded.
  explicit FolderLock(const std::string& folder);
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;
  bool locked() const { return locked_; }
  /// Deletes the lock file (after success, while still holding the lock).
  void remove_file();

 private:
  std::string path_;
  int fd_ = -1;
  bool locked_ = false;
};

}  // namespace cubed
