namespace MagentoOAuth.Diagnostics.Doctor;

/// <summary>The outcome of one check.</summary>
public enum DoctorStatus
{
    /// <summary>The check found nothing wrong.</summary>
    Pass,

    /// <summary>Something works but deserves attention; not a failure.</summary>
    Warn,

    /// <summary>The store refuses for this reason; the check says the cause and the fix.</summary>
    Fail,

    /// <summary>Not run: it needs credentials, or an earlier check failed; the summary says which.</summary>
    Skip,
}
