namespace Scoring.Storage.Paging;

/// <summary>A page token that this listing did not hand out: made up, damaged, or another listing's.</summary>
public sealed class InvalidPageTokenException : ArgumentException
{
    /// <summary>The parameter every listing takes its token in.</summary>
    public const string Parameter = "pageToken";

    /// <summary>Refuses a page token for <paramref name="reason"/>, e.g. "is not base64url".</summary>
    public InvalidPageTokenException(string reason)
        : base($"The page token {reason}. Pass the next page token of the previous page of the same listing, " +
               "or none for the first page.", Parameter)
    {
        Reason = reason;
    }

    /// <summary>Why the token was refused, as a phrase that follows "the page token".</summary>
    public string Reason { get; }
}
