namespace MagentoOAuth.Diagnostics.Doctor;

/// <summary>One check's outcome.</summary>
/// <param name="Id">The stable id: <c>reachable</c>, <c>redirect</c>, <c>magento</c>, <c>clock</c>, <c>authorization-header</c>,
/// <c>credentials</c>, <c>signer</c>, <c>bearer</c>, <c>acl</c>, <c>store-codes</c>.</param>
/// <param name="Status">Pass, warn, fail or skip.</param>
/// <param name="Summary">What was found, in one line.</param>
/// <param name="Cause">For warn and fail: why, in plain words.</param>
/// <param name="Fix">For warn and fail: what to change, and where (web-server setting, admin page, config path).</param>
public sealed record DoctorCheck(string Id, DoctorStatus Status, string Summary, string? Cause = null, string? Fix = null);
