// The wasi_snapshot_preview1 ABI as the witx files define it: errno values,
// rights, flags and the byte layouts of the structs the guest passes in
// linear memory (all little-endian, offsets as in typenames.witx), then
// what wasi_unstable (snapshot 0) lays out differently.
#ifndef WSBX_WASI_ABI_H_
#define WSBX_WASI_ABI_H_

#include <cstdint>
#include <string_view>

namespace wsbx::wasi {

// errno (u16).
inline constexpr uint16_t
  kSuccess = 0, k2big = 1, kAcces = 2, kAddrinuse = 3, kAddrnotavail = 4,
  kAfnosupport = 5, kAgain = 6, kAlready = 7, kBadf = 8, kBadmsg = 9,
  kBusy = 10, kCanceled = 11, kChild = 12, kConnaborted = 13,
  kConnrefused = 14, kConnreset = 15, kDeadlk = 16, kDestaddrreq = 17,
  kDom = 18, kDquot = 19, kExist = 20, kFault = 21, kFbig = 22,
  kHostunreach = 23, kIdrm = 24, kIlseq = 25, kInprogress = 26, kIntr = 27,
  kInval = 28, kIo = 29, kIsconn = 30, kIsdir = 31, kLoop = 32, kMfile = 33,
  kMlink = 34, kMsgsize = 35, kMultihop = 36, kNametoolong = 37,
  kNetdown = 38, kNetreset = 39, kNetunreach = 40, kNfile = 41, kNobufs = 42,
  kNodev = 43, kNoent = 44, kNoexec = 45, kNolck = 46, kNolink = 47,
  kNomem = 48, kNomsg = 49, kNoprotoopt = 50, kNospc = 51, kNosys = 52,
  kNotconn = 53, kNotdir = 54, kNotempty = 55, kNotrecoverable = 56,
  kNotsock = 57, kNotsup = 58, kNotty = 59, kNxio = 60, kOverflow = 61,
  kOwnerdead = 62, kPerm = 63, kPipe = 64, kProto = 65,
  kProtonosupport = 66, kPrototype = 67, kRange = 68, kRofs = 69,
  kSpipe = 70, kSrch = 71, kStale = 72, kTimedout = 73, kTxtbsy = 74,
  kXdev = 75, kNotcapable = 76;

// The witx name of an errno ("notcapable"), "unknown" past the table.
std::string_view ErrnoName(uint16_t e);
// Maps a host errno value to the WASI errno (EIO for anything unknown).
uint16_t ErrnoFromHost(int host_errno);

// rights (u64 flags), bit numbers in witx order.
namespace rights {
inline constexpr uint64_t kFdDatasync = 1ull << 0;
inline constexpr uint64_t kFdRead = 1ull << 1;
inline constexpr uint64_t kFdSeek = 1ull << 2;
inline constexpr uint64_t kFdFdstatSetFlags = 1ull << 3;
inline constexpr uint64_t kFdSync = 1ull << 4;
inline constexpr uint64_t kFdTell = 1ull << 5;
inline constexpr uint64_t kFdWrite = 1ull << 6;
inline constexpr uint64_t kFdAdvise = 1ull << 7;
inline constexpr uint64_t kFdAllocate = 1ull << 8;
inline constexpr uint64_t kPathCreateDirectory = 1ull << 9;
inline constexpr uint64_t kPathCreateFile = 1ull << 10;
inline constexpr uint64_t kPathLinkSource = 1ull << 11;
inline constexpr uint64_t kPathLinkTarget = 1ull << 12;
inline constexpr uint64_t kPathOpen = 1ull << 13;
inline constexpr uint64_t kFdReaddir = 1ull << 14;
inline constexpr uint64_t kPathReadlink = 1ull << 15;
inline constexpr uint64_t kPathRenameSource = 1ull << 16;
inline constexpr uint64_t kPathRenameTarget = 1ull << 17;
inline constexpr uint64_t kPathFilestatGet = 1ull << 18;
inline constexpr uint64_t kPathFilestatSetSize = 1ull << 19;
inline constexpr uint64_t kPathFilestatSetTimes = 1ull << 20;
inline constexpr uint64_t kFdFilestatGet = 1ull << 21;
inline constexpr uint64_t kFdFilestatSetSize = 1ull << 22;
inline constexpr uint64_t kFdFilestatSetTimes = 1ull << 23;
inline constexpr uint64_t kPathSymlink = 1ull << 24;
inline constexpr uint64_t kPathRemoveDirectory = 1ull << 25;
inline constexpr uint64_t kPathUnlinkFile = 1ull << 26;
inline constexpr uint64_t kPollFdReadwrite = 1ull << 27;
inline constexpr uint64_t kSockShutdown = 1ull << 28;
inline constexpr uint64_t kSockAccept = 1ull << 29;
inline constexpr uint64_t kAll = (1ull << 30) - 1;

// What a regular file may carry, and what may be done to a file's data.
inline constexpr uint64_t kFileAll =
    kFdDatasync | kFdRead | kFdSeek | kFdFdstatSetFlags | kFdSync | kFdTell |
    kFdWrite | kFdAdvise | kFdAllocate | kFdFilestatGet | kFdFilestatSetSize |
    kFdFilestatSetTimes | kPollFdReadwrite;
// Rights that change the filesystem; a read-only preopen never has them.
inline constexpr uint64_t kMutating =
    kFdDatasync | kFdSync | kFdWrite | kFdAllocate | kPathCreateDirectory |
    kPathCreateFile | kPathLinkSource | kPathLinkTarget | kPathRenameSource |
    kPathRenameTarget | kPathFilestatSetSize | kPathFilestatSetTimes |
    kFdFilestatSetSize | kFdFilestatSetTimes | kPathSymlink |
    kPathRemoveDirectory | kPathUnlinkFile;
// What a directory may carry.
inline constexpr uint64_t kDirAll =
    kFdFdstatSetFlags | kFdSync | kFdAdvise | kPathCreateDirectory |
    kPathCreateFile | kPathLinkSource | kPathLinkTarget | kPathOpen |
    kFdReaddir | kPathReadlink | kPathRenameSource | kPathRenameTarget |
    kPathFilestatGet | kPathFilestatSetSize | kPathFilestatSetTimes |
    kFdFilestatGet | kFdFilestatSetTimes | kPathSymlink |
    kPathRemoveDirectory | kPathUnlinkFile;
}  // namespace rights

inline constexpr uint8_t
  kUnknown = 0, kBlockDevice = 1, kCharacterDevice = 2, kDirectory = 3,
  kRegularFile = 4, kSocketDgram = 5, kSocketStream = 6, kSymbolicLink = 7;

// fdflags (u16).
inline constexpr uint16_t kFdflagAppend = 1, kFdflagDsync = 2,
                          kFdflagNonblock = 4, kFdflagRsync = 8,
                          kFdflagSync = 16;
// oflags (u16).
inline constexpr uint16_t kOflagCreat = 1, kOflagDirectory = 2,
                          kOflagExcl = 4, kOflagTrunc = 8;
// lookupflags (u32).
inline constexpr uint32_t kLookupSymlinkFollow = 1;
// fstflags (u16).
inline constexpr uint16_t kFstAtim = 1, kFstAtimNow = 2, kFstMtim = 4,
                          kFstMtimNow = 8;
// whence (u8).
inline constexpr uint8_t kWhenceSet = 0, kWhenceCur = 1, kWhenceEnd = 2;
// clockid (u32).
inline constexpr uint32_t kClockRealtime = 0, kClockMonotonic = 1,
                          kClockProcessCputime = 2, kClockThreadCputime = 3;
// eventtype (u8), subclockflags (u16), eventrwflags (u16).
inline constexpr uint8_t kEventClock = 0, kEventFdRead = 1, kEventFdWrite = 2;
inline constexpr uint16_t kSubclockAbstime = 1;
inline constexpr uint16_t kEventFdReadwriteHangup = 1;
// preopentype (u8).
inline constexpr uint8_t kPreopenDir = 0;
// advice (u8): normal .. noreuse.
inline constexpr uint8_t kAdviceMax = 5;

// Struct sizes and field offsets.
inline constexpr uint32_t kIovecSize = 8;       // buf u32 @0, buf_len u32 @4
inline constexpr uint32_t kFdstatSize = 24;     // filetype u8 @0, flags u16 @2,
                                                // rights_base @8, inh @16
inline constexpr uint32_t kFilestatSize = 64;   // dev @0 ino @8 filetype u8 @16
                                                // nlink @24 size @32 atim @40
                                                // mtim @48 ctim @56
inline constexpr uint32_t kPrestatSize = 8;     // tag u8 @0, name_len u32 @4
inline constexpr uint32_t kDirentSize = 24;     // next @0 ino @8 namlen u32 @16
                                                // type u8 @20
inline constexpr uint32_t kSubscriptionSize = 48;  // userdata @0, tag u8 @8,
                                                   // clock id u32 @16,
                                                   // timeout @24, precision
                                                   // @32, flags u16 @40;
                                                   // fd u32 @16
inline constexpr uint32_t kEventSize = 32;  // userdata @0, error u16 @8,
                                            // type u8 @10, nbytes @16,
                                            // flags u16 @24

// wasi_unstable (snapshot 0, legacy/preview0 witx) where it differs; its
// errno, fdflags, oflags, dirent, event, prestat and fdstat layouts are the
// ones above.
namespace snapshot0 {
// whence (u8): a different order from preview1's.
inline constexpr uint8_t kWhenceCur = 0, kWhenceEnd = 1, kWhenceSet = 2;
// filestat: linkcount is u32, so everything after it moves up.
inline constexpr uint32_t kFilestatSize = 56;   // dev @0 ino @8 filetype u8 @16
                                                // nlink u32 @20 size @24
                                                // atim @32 mtim @40 ctim @48
// subscription_clock opens with an `identifier` (u64, ignored).
inline constexpr uint32_t kSubscriptionSize = 56;  // userdata @0, tag u8 @8,
                                                   // identifier @16, clock id
                                                   // u32 @24, timeout @32,
                                                   // precision @40, flags u16
                                                   // @48; fd u32 @16
// The rights snapshot 0 defines: all but sock_accept (bit 29).
inline constexpr uint64_t kRightsAll = rights::kAll & ~rights::kSockAccept;
}  // namespace snapshot0

}  // namespace wsbx::wasi

#endif  // WSBX_WASI_ABI_H_
