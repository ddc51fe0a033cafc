namespace Ext4Codec.FastCommit;

/// <summary>How ext4_fc_replay_scan ends on an area, without the listing: see <see cref="FcScanner.Judge(Journal.JournalStore, uint, uint, uint, uint, FcScanRules, uint)"/>.</summary>
/// <param name="ReplayTags">Records replay counts from the area's start (HEAD, PAD and TAIL included).</param>
/// <param name="Errno">The errno the scan fails with, or empty.</param>
/// <param name="Reason">Why the scan stopped, in words.</param>
public readonly record struct FcVerdict(FcOutcome Outcome, int ReplayTags, string Errno, string Reason);
