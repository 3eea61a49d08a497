using System.Globalization;

namespace Scoring.Storage.Models;

/// <summary>
/// One write transaction over the model tables, as a store runs it: the reads and writes that <see cref="ModelWrites"/>
/// makes its rules of. Each store implements it in its own SQL.
/// </summary>
internal interface IModelTransaction
{
    /// <summary>Now, as the store keeps times (what is written reads back equal).</summary>
    DateTimeOffset Now();

    /// <summary>The version a request id created, or null.</summary>
    ModelRequest? FindRequest(string requestId);

    /// <summary>The active version, or null when none is.</summary>
    int? ActiveVersion();

    /// <summary>One version, or null.</summary>
    StoredModel? Get(int version);

    /// <summary>The number the next version takes: one more than the highest.</summary>
    int NextVersion();

    /// <summary>Writes a version's row, its judgments and consistency figures as their column text.</summary>
    void InsertModel(StoredModel model, string? judgmentsJson, string? consistencyJson);

    /// <summary>Keeps the request id that created <paramref name="version"/>.</summary>
    void InsertRequest(string requestId, string requestHash, int version, DateTimeOffset createdAt);

    /// <summary>Makes <paramref name="version"/> the only active version.</summary>
    void SetActive(int version);

    /// <summary>The version a label names, or null when it is not set.</summary>
    int? LabelVersion(string label);

    /// <summary>Points a label at a version, setting or moving it.</summary>
    void SetLabel(string label, int version, DateTimeOffset at, string actor);

    /// <summary>Removes a label.</summary>
    void RemoveLabel(string label);

    /// <summary>Tells other replicas, when the transaction commits, that the labels changed (a store that cannot: nothing).</summary>
    void AnnounceLabels(string label);

    /// <summary>Appends an audit record.</summary>
    void Audit(DateTimeOffset at, string actor, string action, int version, int? previous, string note, string? detailsJson);
}

/// <summary>
/// The rules of model versions, whichever store keeps them: what a new version must carry, how a request id replays,
/// what an activation checks, and that every creation and activation is audited in its own transaction.
/// </summary>
internal static class ModelWrites
{
    /// <summary>Refuses a new version the tables cannot hold or the rules do not allow, before anything is written.</summary>
    public static void CheckNew(NewModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(model.Author, nameof(model));
        ArgumentNullException.ThrowIfNull(model.Note, nameof(model));
        ArgumentNullException.ThrowIfNull(model.DocumentJsonFor, nameof(model));
        if (model.Action is not (AuditActions.CreateModel or AuditActions.UpdateWeights))
            throw new ArgumentException(
                $"A new model is recorded as '{AuditActions.CreateModel}' or '{AuditActions.UpdateWeights}', not '{model.Action}'.",
                nameof(model));
        if (model.ParentVersion is <= 0)
            throw new ArgumentException($"Parent version {model.ParentVersion} is not a version number.", nameof(model));
        if (model.RequestId is "" || (model.RequestId is null) != (model.RequestHash is null))
            throw new ArgumentException("A request id is not empty and comes with its request hash.", nameof(model));
        CheckJudgments(model);
    }

    /// <summary>See <see cref="IModelStore.AddOnceAsync"/>; runs inside the store's write transaction.</summary>
    public static ModelAddition Add(IModelTransaction rows, NewModel model, bool activate, string? expectedActiveVersion, CancellationToken cancellationToken)
    {
        if (model.RequestId is { } requestId && rows.FindRequest(requestId) is { } earlier)
        {
            if (earlier.RequestHash != model.RequestHash) throw new RequestIdReusedException(requestId);
            return new ModelAddition(rows.Get(earlier.Version)!, Replayed: true); // the foreign key keeps the row there
        }
        var active = rows.ActiveVersion();
        CheckExpected(expectedActiveVersion, active);
        if (model.ParentVersion is { } parent && rows.Get(parent) is null)
            throw new ModelVersionNotFoundException(parent);
        cancellationToken.ThrowIfCancellationRequested();
        var stored = Insert(rows, model);
        if (activate) SetActive(rows, stored.CreatedAt, model.Author, stored.Version, active, model.Note);
        return new ModelAddition(stored, Replayed: false);
    }

    /// <summary>See <see cref="IModelStore.EnsureInitialAsync"/>; runs inside the store's write transaction.</summary>
    public static StoredModel EnsureInitial(IModelTransaction rows, Func<int, string> documentJsonFor, string author, CancellationToken cancellationToken)
    {
        if (rows.ActiveVersion() is { } version)
            return rows.Get(version)!; // the foreign key keeps the row there
        cancellationToken.ThrowIfCancellationRequested();
        var stored = Insert(rows, new NewModel
        {
            ParentVersion = null, Author = author, Note = ModelStore.InitialNote, DocumentJsonFor = documentJsonFor,
            Action = AuditActions.CreateModel,
        });
        SetActive(rows, stored.CreatedAt, author, stored.Version, null, ModelStore.InitialNote);
        return stored;
    }

    /// <summary>See <see cref="IModelStore.ActivateAsync"/>; runs inside the store's write transaction.</summary>
    public static ActivationResult Activate(IModelTransaction rows, int version, string actor, string note, string? expectedActiveVersion,
        CancellationToken cancellationToken)
    {
        var model = rows.Get(version) ?? throw new ModelVersionNotFoundException(version);
        var active = rows.ActiveVersion();
        CheckExpected(expectedActiveVersion, active);
        if (active == version) return new ActivationResult(model, active, Changed: false);
        cancellationToken.ThrowIfCancellationRequested();
        SetActive(rows, rows.Now(), actor, version, active, note);
        return new ActivationResult(model, active, Changed: true);
    }

    /// <summary>See <see cref="IModelStore.SetLabelAsync"/>; runs inside the store's write transaction.</summary>
    public static LabelChange SetLabel(IModelTransaction rows, string label, int? version, string actor, string note, CancellationToken cancellationToken)
    {
        var current = rows.LabelVersion(label);
        if (version is not { } target)
        {
            if (current is not { } named) throw new ModelLabelNotFoundException(label);
            cancellationToken.ThrowIfCancellationRequested();
            rows.RemoveLabel(label);
            rows.Audit(rows.Now(), actor, AuditActions.RemoveModelLabel, named, null, note, ModelLabels.AuditDetails(label));
            rows.AnnounceLabels(label);
            return new LabelChange(label, null, named, Changed: true);
        }
        if (rows.Get(target) is null) throw new ModelVersionNotFoundException(target);
        if (current == target) return new LabelChange(label, target, current, Changed: false);
        cancellationToken.ThrowIfCancellationRequested();
        var at = rows.Now();
        rows.SetLabel(label, target, at, actor);
        rows.Audit(at, actor, AuditActions.SetModelLabel, target, current, note, ModelLabels.AuditDetails(label));
        rows.AnnounceLabels(label);
        return new LabelChange(label, target, current, Changed: true);
    }

    /// <summary>Refuses a label change the rules do not allow, before anything is written.</summary>
    public static void CheckLabel(string label, int? version, string actor, string note)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(note);
        if (ModelLabels.Problem(label) is { } problem) throw new ArgumentException($"Label '{label}' {problem}.", nameof(label));
        if (version is <= 0) throw new ArgumentException($"Version {version} is not a version number.", nameof(version));
    }

    private static StoredModel Insert(IModelTransaction rows, NewModel model)
    {
        var version = rows.NextVersion();
        var document = model.DocumentJsonFor(version)
            ?? throw new InvalidOperationException($"{nameof(NewModel.DocumentJsonFor)} returned no document for version {version}.");
        var at = rows.Now();
        var judgments = JudgmentColumns.Write(model.Judgments);
        var consistency = JudgmentColumns.Write(model.Consistency);
        // Returned as a read would give it back.
        var stored = new StoredModel(version, model.ParentVersion, model.Author, at, model.Note, document,
            JudgmentColumns.ReadJudgments(judgments), JudgmentColumns.ReadConsistency(consistency));
        rows.InsertModel(stored, judgments, consistency);
        if (model.RequestId is not null) rows.InsertRequest(model.RequestId, model.RequestHash!, version, at);
        rows.Audit(at, model.Author, model.Action, version, null, model.Note, model.DetailsJson);
        return stored;
    }

    private static void SetActive(IModelTransaction rows, DateTimeOffset at, string actor, int version, int? previous, string note)
    {
        rows.SetActive(version);
        rows.Audit(at, actor, AuditActions.ActivateModel, version, previous, note, null);
    }

    // JSON has no null list to read back as empty and no NaN or infinity: refuse them before writing anything.
    private static void CheckJudgments(NewModel model)
    {
        const string param = nameof(model);
        if (model.Judgments is null || model.Consistency is null)
            throw new ArgumentException("Judgments and consistency must be lists (empty for none).", param);
        for (var i = 0; i < model.Judgments.Count; i++)
        {
            var j = model.Judgments[i];
            if (j?.Group is null || j.Items is null || j.Values is null || j.Expert is null)
                throw new ArgumentException($"judgments[{i}] lacks its group, items, values or expert.", param);
            if (j.Items.Any(item => item is null)) throw new ArgumentException($"judgments[{i}].items holds a null.", param);
            foreach (var value in j.Values) SchemaLimits.CheckFinite(value, $"judgments[{i}].values", param);
        }
        for (var i = 0; i < model.Consistency.Count; i++)
        {
            var c = model.Consistency[i];
            if (c?.Group is null || c.Items is null || c.Weights is null || c.Experts is null)
                throw new ArgumentException($"consistency[{i}] lacks its group, items, weights or experts.", param);
            if (c.Items.Any(item => item is null)) throw new ArgumentException($"consistency[{i}].items holds a null.", param);
            foreach (var weight in c.Weights) SchemaLimits.CheckFinite(weight, $"consistency[{i}].weights", param);
            Figures(c.LambdaMax, c.Ci, c.Cr, $"consistency[{i}]");
            for (var k = 0; k < c.Experts.Count; k++)
            {
                var e = c.Experts[k] ?? throw new ArgumentException($"consistency[{i}].experts[{k}] is null.", param);
                if (e.Expert is null) throw new ArgumentException($"consistency[{i}].experts[{k}] has no expert.", param);
                Figures(e.LambdaMax, e.Ci, e.Cr, $"consistency[{i}].experts[{k}]");
            }
        }

        static void Figures(double lambdaMax, double ci, double cr, string what)
        {
            SchemaLimits.CheckFinite(lambdaMax, $"{what}.lambda_max", param);
            SchemaLimits.CheckFinite(ci, $"{what}.ci", param);
            SchemaLimits.CheckFinite(cr, $"{what}.cr", param);
        }
    }

    // Versions are compared as the decimal text the contract carries ("3"); anything else never matches.
    private static void CheckExpected(string? expected, int? active)
    {
        if (string.IsNullOrEmpty(expected)) return;
        if (expected != active?.ToString(CultureInfo.InvariantCulture)) throw new ActiveVersionChangedException(expected, active);
    }
}
