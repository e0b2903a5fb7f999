using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using RavenXcope.Protocol.Problems;

namespace RavenXcope.Gateway.Api;

/// <summary>
/// The limits on a request's line and headers, enforced by the gateway instead of Kestrel. Kestrel answers a request
/// over its own limits itself, before any middleware runs, with an empty 414 or 431 that no handler can turn into a
/// problem; so Kestrel's limits are set well above ours and ours answer with a problem and a code. Past Kestrel's
/// (raised) limits the bare answer remains: parsing has to stop somewhere.
/// </summary>
public static class RequestLimits
{
    /// <summary>Longest request target (path and query, as sent), bytes.</summary>
    public const int MaxTargetLength = 8 * 1024;

    /// <summary>Largest total of header names and values, bytes.</summary>
    public const int MaxHeadersSize = 32 * 1024;

    /// <summary>Most header fields.</summary>
    public const int MaxHeaderCount = 100;

    /// <summary>Raises Kestrel's limits above ours, so that ours are the ones a client meets.</summary>
    public static void RaiseKestrelLimits(KestrelServerLimits limits)
    {
        limits.MaxRequestLineSize = 8 * MaxTargetLength;
        limits.MaxRequestHeadersTotalSize = 8 * MaxTargetLength;
        limits.MaxRequestHeaderCount = 4 * MaxHeaderCount;
    }

    /// <summary>Answers a request over our limits with a problem.</summary>
    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        if (target.Length > MaxTargetLength)
        {
            await Problems.Of(ProblemCodes.UriTooLong, $"the request target (path and query) is longer than {MaxTargetLength} bytes").ExecuteAsync(context);
            return;
        }

        var headers = context.Request.Headers;
        long size = 0;
        foreach (var (name, values) in headers)
        {
            size += name.Length;
            foreach (var value in values)
            {
                size += value?.Length ?? 0;
            }
        }

        if (headers.Count > MaxHeaderCount || size > MaxHeadersSize)
        {
            await Problems.Of(ProblemCodes.RequestHeadersTooLarge, $"at most {MaxHeaderCount} header fields of {MaxHeadersSize} bytes in all").ExecuteAsync(context);
            return;
        }

        await next(context);
    });
}
