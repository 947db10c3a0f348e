namespace MagentoOAuth.Storage.Encryption;

/// <summary>
/// The database's rows were encrypted with another key than the one given: refused at start, before anything is
/// written under the wrong key. Give the key the database was created with.
/// </summary>
public sealed class WrongEncryptionKeyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WrongEncryptionKeyException()
        : base("The database was encrypted with another key than the one given; give the key it was created with.")
    {
    }

    /// <summary>Creates the exception with the decryption failure that showed it.</summary>
    /// <param name="innerException">The failure.</param>
    public WrongEncryptionKeyException(Exception innerException)
        : base("The database was encrypted with another key than the one given; give the key it was created with.", innerException)
    {
    }

    /// <summary>Creates the exception with a message of the caller's.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The failure.</param>
    public WrongEncryptionKeyException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
