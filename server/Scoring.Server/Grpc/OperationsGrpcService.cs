using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Scoring.Server.Operations;
using Scoring.Server.Security;
using Scoring.Storage;
using Scoring.V1;

namespace Scoring.Server.Grpc;

/// <summary>scoring.v1.OperationsService: backups of the database.</summary>
internal sealed class OperationsGrpcService(Backups backups) : OperationsService.OperationsServiceBase
{
    [Authorize(Policy = Roles.Admin)]
    public override async Task<CreateBackupResponse> CreateBackup(CreateBackupRequest request, ServerCallContext context)
    {
        try
        {
            var backup = await backups.CreateAsync(context.CancellationToken);
            return new CreateBackupResponse
            {
                FileName = backup.FileName,
                SizeBytes = backup.SizeBytes,
                CreateTime = Timestamp.FromDateTimeOffset(backup.CreateTime),
                Directory = backups.Directory,
            };
        }
        catch (BackupDirectoryUnwritableException e)
        {
            throw RichErrors.BackupDirectoryUnwritable(e.Directory, e.Message).ToRpcException();
        }
        catch (StorageFeatureUnavailableException e)
        {
            throw RichErrors.StorageFeatureUnavailable(e).ToRpcException();
        }
    }
}
