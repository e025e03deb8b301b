import json, os, sys
OUT = os.path.dirname(os.path.abspath(__file__))
os.makedirs(OUT + "/calls", exist_ok=True)
A, C = "agent", "customer"
calls = {}  # name -> (turns, labels, rates)
def call(name, turns, labels, arate=4.5, crate=4.5):
    calls[name] = (turns, labels, arate, crate)
G = "您好，这里是心声银行客服中心，工号3017，很高兴为您服务。"
REC = "为了保障您的权益，咱们这通电话全程录音哈。"
ID = "好的，先跟您核实一下身份，麻烦报一下您的身份证后四位和预留手机号。"

call("c01_balance_ok", [
 (A, G + REC), (C, "哎你好，我想问下我卡里还剩多少钱。"), (A, ID),
 (C, "身份证后四位是0318，手机是138开头的，尾号6621。"), (A, "核对无误，谢谢您。您尾号4452的借记卡目前可用余额是一万两千三百零六块五。"),
 (C, "行，那没事了，谢谢啊。"), (A, "不客气，祝您生活愉快，再见。")],
 dict(identity_verified=True, recording_notice=True, risk_disclosure=True, forbidden_promise=True, empathy_when_upset=True, pressure_to_decide=True))

call("c02_lost_card_anxious_empathy", [
 (A, "您好心声银行，请讲。本次通话会被录音，请您知悉。"), (C, "喂喂，我卡丢了！我急死了，里面还有好几万块钱呢，怎么办啊！"),
 (A, "您先别着急，我特别理解您现在的心情，我马上帮您处理。为了安全，麻烦先报一下姓名和身份证号码后六位。"),
 (C, "王建国，后六位是120035。"), (A, "好的王先生，身份核实过了。我看到您尾号8810的卡最近一笔交易是昨天下午的，没有异常，钱还在，您放心。我现在先帮您做临时挂失。"),
 (C, "哦哦那就好，吓死我了。"), (A, "挂失已经生效了，您带身份证到任意网点就能补卡。还有什么我能帮您的吗？"), (C, "没了没了，谢谢你啊姑娘。")],
 dict(identity_verified=True, recording_notice=True, risk_disclosure=True, forbidden_promise=True, empathy_when_upset=True))

call("c03_dispute_angry_cold_noid_norec", [
 (A, "喂，心声银行。"), (C, "我跟你说，我这卡莫名其妙被扣了两千八，你们银行到底怎么搞的？！我非常生气！"),
 (A, "您这张尾号6632的卡昨天晚上十点在一家叫优品商贸的商户刷了两千八百块。"),
 (C, "我根本没去过这个地方！你们就是这么保护客户资金的？"), (A, "这个是商户那边扣的，不归我们管，你自己去找商户。"),
 (C, "你这什么态度啊？我要投诉你！"), (A, "你要投诉就打投诉电话，还有别的事吗？")],
 dict(identity_verified=False, recording_notice=False, risk_disclosure=True, forbidden_promise=True, empathy_when_upset=False))

call("c04_wealth_risk_said", [
 (A, G + "提醒您，本次通话将被录音。"), (C, "嗯，我看手机银行上有个稳盈180天，想问问啥情况。"), (A, "好的，需要先确认一下身份，您报一下身份证后四位吧。"),
 (C, "7719。"), (A, "好的，验证通过。这款稳盈180天是我们代销的理财，风险等级是R3中风险，净值是有涨有跌的，最差的情况本金也可能会有损失。"),
 (C, "那它一般能有多少收益？"), (A, "业绩比较基准是百分之三到三点六，但这个只是参考，实际收益看市场表现。"),
 (C, "哦，那我再想想。"), (A, "好的，您不用着急，考虑清楚再决定就行，有问题随时打过来。")],
 dict(identity_verified=True, recording_notice=True, risk_disclosure=True, forbidden_promise=True, empathy_when_upset=True, pressure_to_decide=True))

call("c05_fund_no_risk_pressure", [
 (A, G + "通话可能会被录音。"), (C, "我听说你们在卖一个新基金？"), (A, "对对对，新发的科技成长混合，去年同类产品涨了百分之十八，行情好着呢。"),
 (C, "那我考虑一下吧，回头跟老伴商量商量。"), (A, "哎呀姐，今天是募集最后一天了，错过了就没了，您今天就定下来吧，我现在就帮您登记。"),
 (C, "这么急啊……那我得先查查卡里钱够不够。"), (A, "行，您先查，查完马上回个电话给我。")],
 dict(identity_verified=True, recording_notice=True, risk_disclosure=False, forbidden_promise=True, empathy_when_upset=True, pressure_to_decide=False))

call("c06_guarantee_indirect_no_risk", [
 (A, G + REC), (C, "我有二十万定期到期了，有没有什么收益高一点的？"), (A, "您先报一下身份证后四位我核对一下。"), (C, "5521。"),
 (A, "好的核对好了。您这二十万可以看看我们这款悦享理财，年化差不多四个点。"), (C, "这个会不会亏啊？我这钱是养老的。"),
 (A, "您放一百个心，这款跟存款差不多，到期本息一分都少不了的。"), (C, "那行，我下礼拜去网点办。")],
 dict(identity_verified=True, recording_notice=True, risk_disclosure=False, forbidden_promise=False, empathy_when_upset=True))

call("c07_explicit_no_guarantee", [
 (A, G + "本次通话将全程录音。"), (C, "我想买那个固收加，你们能保证不亏吗？"), (A, "您好，先帮您核实一下身份，麻烦说下您的全名和身份证后四位。"),
 (C, "李秀梅，后四位2204。"), (A, "好的李女士，验证通过了。我得跟您说清楚，这个产品不是存款，不承诺保本，也不保证收益，它过去的收益不代表将来。"),
 (C, "那就是说也可能亏？"), (A, "对的，这个真没法保证，市场不好的时候净值会往下走，您要能接受再考虑。"), (C, "好，我明白了。")],
 dict(identity_verified=True, recording_notice=True, risk_disclosure=True, forbidden_promise=True, empathy_when_upset=True, pressure_to_decide=True))

call("c08_elderly_rushed", [
 (A, "您好心声银行工号2208本次通话将被录音请问有什么可以帮您。"), (C, "喂……姑娘啊，我、我想问问我那个存单的事。"),
 (A, "好的请您提供身份证后四位和预留手机号我这边核实一下。"), (C, "啊？你说慢点，我七十多了，耳朵不大好使……身份证后头是……3306。"),
 (A, "手机号呢。"), (C, "手机……139……我看看啊……1390……"),
 (A, "行了核实通过了您那个大额存单走的是靠档计息提前支取的话按活期利率结算建议您走手机银行APP自助渠道操作或者预约网点柜面办理。"),
 (C, "啥靠档？我听不明白……"), (A, "就是提前取利息按活期算您下载APP自己点提前支取就行了还有别的问题吗。"), (C, "哦……那……那算了吧。")],
 dict(identity_verified=True, recording_notice=True, risk_disclosure=True, forbidden_promise=True, empathy_when_upset=True, elderly_pace=False),
 arate=9.5, crate=3.0)

call("c09_elderly_patient", [
 (A, "您好，这里是心声银行。本次通话会录音。请问您有什么事？"), (C, "闺女啊，我岁数大了，说话慢，你别嫌烦啊。"),
 (A, "阿姨您别急，我不急，您慢慢说。"), (C, "我孙子说，让我买点理财，说比存银行强。"),
 (A, "好的阿姨。我先跟您说一句要紧的：理财不保本，有可能亏钱的。"), (C, "哦，还会亏呀？"),
 (A, "对，会有亏的时候。您这钱要是留着看病养老，还是存定期稳当些。"), (C, "那我就存定期吧。"),
 (A, "好。您哪天方便，带上身份证，到家附近的网点，我们的人会帮您办。"), (C, "好好好，谢谢你啊闺女。")],
 dict(identity_verified=True, recording_notice=True, risk_disclosure=True, forbidden_promise=True, empathy_when_upset=True, elderly_pace=True),
 arate=3.2, crate=2.8)

call("c10_address_no_recording", [
 (A, "您好，心声银行，请问有什么可以帮您？"), (C, "我搬家了，想改一下信用卡账单的寄送地址。"), (A, ID),
 (C, "身份证后四位6610，手机尾号0927。"), (A, "好的，身份核实成功。您现在登记的地址是朝阳区望京西路那边，新地址是哪里呢？"),
 (C, "改成海淀区学院路三十号。"), (A, "好的已经帮您改好了，下期账单就寄到新地址。"), (C, "好嘞谢谢。")],
 dict(identity_verified=True, recording_notice=False, risk_disclosure=True, forbidden_promise=True, empathy_when_upset=True))

call("c11_bill_details_before_id", [
 (A, G + "温馨提示，本次通话将会被录音。"), (C, "我想把这个月的信用卡账单分期。"),
 (A, "好的，我看到您这个月账单是五千三百二十块，最低还款五百三十二。"), (C, "对，能分几期？"),
 (A, "可以分三、六、十二期。哦对了，办分期前需要核实一下您的身份，麻烦报下身份证后四位。"), (C, "0415。"),
 (A, "好的核实通过，那给您办六期？"), (C, "行，六期吧。")],
 dict(identity_verified=False, recording_notice=True, risk_disclosure=True, forbidden_promise=True, empathy_when_upset=True))

call("c12_angry_fee_empathy", [
 (A, G + REC), (C, "你们凭什么扣我三百块年费？我从来没人告诉我有年费！太过分了！"),
 (A, "真是不好意思给您添麻烦了，换我我也着急。麻烦您先报一下身份证后四位，我马上帮您查。"), (C, "8842。"),
 (A, "谢谢您。我看到您这张白金卡的年费是昨天扣的，您今年刷卡次数差三次没达标。这样，我帮您申请一下退还年费，您看好吗？"),
 (C, "那还差不多。"), (A, "申请已经提交了，三个工作日内退回，给您带来不便实在抱歉。")],
 dict(identity_verified=True, recording_notice=True, risk_disclosure=True, forbidden_promise=True, empathy_when_upset=True))

call("c13_wealth_other_wording", [
 (A, G + "本通话将被录音以保障服务质量。"), (C, "你们那个月月享理财怎么样啊？"), (A, "我先核对下您的身份，您说下身份证后四位和姓名吧。"),
 (C, "赵磊，1127。"), (A, "好的赵先生。这款理财它是非保本浮动收益型的，收益不固定，您得有心理准备，万一市场不好可能会亏一部分。"),
 (C, "那大概能赚多少？"), (A, "业绩比较基准是三点二到三点八，但这只是参考，不是承诺。"),
 (C, "嗯，我再研究研究。"), (A, "您不用急着定，回去考虑考虑，想好了再来。")],
 dict(identity_verified=True, recording_notice=True, risk_disclosure=True, forbidden_promise=True, empathy_when_upset=True, pressure_to_decide=True))

call("c14_fund_guarantee_disclaimer_pressure", [
 (A, G + "本次通话会录音哦。"), (C, "有啥好点的基金推荐吗？"), (A, "先帮您验证下身份，您的身份证后四位是？"), (C, "4036。"),
 (A, "好的验证通过。我们新上的这只稳健增利基金，我们内部同事都买了，闭着眼睛拿一年，最少也有个百分之五，稳稳的。"),
 (C, "真的啊？"), (A, "真的。当然了，理财有风险投资需谨慎嘛，走个流程。名额不多了，要不我现在就给您下单？"),
 (C, "那……那就买五万吧。")],
 dict(identity_verified=True, recording_notice=True, risk_disclosure=True, forbidden_promise=False, empathy_when_upset=True, pressure_to_decide=False))

call("c15_fraud_anxious_cold", [
 (A, G + REC), (C, "我、我好像被骗了，刚才有人冒充公安让我转了钱，我心慌得很，手都在抖……"),
 (A, "请提供身份证后四位和手机号。"), (C, "3390，手机尾号2288……"),
 (A, "核实了。你尾号1203的卡十分钟前转出去四万九。"), (C, "那怎么办啊，这钱能追回来吗？"),
 (A, "那你去报警吧，我们这边只能给你冻结卡，钱追不追得回来不知道。"), (C, "……好吧。")],
 dict(identity_verified=True, recording_notice=True, risk_disclosure=True, forbidden_promise=True, empathy_when_upset=False))

call("c16_mortgage_rate_general", [
 (A, G + "本次通话将被录音。"), (C, "你好，我想问问现在你们房贷利率是多少？"),
 (A, "目前首套房商贷利率是按LPR减点执行，具体看您所在城市，一般在三点一左右。"), (C, "那二套呢？"),
 (A, "二套会高一点，大概三点五左右，具体以网点审批为准。"), (C, "行，知道了，谢谢。")],
 dict(identity_verified=True, recording_notice=True, risk_disclosure=True, forbidden_promise=True, empathy_when_upset=True))

call("c17_fund_loss_anxious_empathy", [
 (A, G + REC), (C, "我之前在你们这买的基金亏了三成，心里特别不踏实，晚上都睡不着。"),
 (A, "我特别能理解您的感受，辛苦攒的钱缩水了谁都难受。我先帮您核实一下身份，麻烦说下身份证后四位。"), (C, "6073。"),
 (A, "好的谢谢。我看到您持有的是一只偏股混合基金，现在浮亏百分之二十九。我得跟您说实话，基金净值会随市场上下波动，短期内还可能继续亏，也可能回来，没人能打包票。"),
 (C, "那我要不要卖掉？"), (A, "这个得您自己根据用钱的时间来定，要不我帮您约一个理财经理当面跟您详细聊聊？"), (C, "好吧，约一下。")],
 dict(identity_verified=True, recording_notice=True, risk_disclosure=True, forbidden_promise=True, empathy_when_upset=True))

call("c18_card_upgrade_pressure", [
 (A, G + REC), (C, "我接到短信说可以升级信用卡？"), (A, "是的，先核实下身份，您身份证后四位是多少？"), (C, "9902。"),
 (A, "好的。您现在的金卡可以升级白金卡，额度能提到五万，首年免年费。这个活动今天截止，您现在不办就没了，我直接帮您提交吧？"),
 (C, "我还没想好……"), (A, "姐您就别犹豫了，过了今天真的就没这个机会了。"), (C, "那好吧。")],
 dict(identity_verified=True, recording_notice=True, risk_disclosure=True, forbidden_promise=True, empathy_when_upset=True, pressure_to_decide=False))

call("c19_bond_fund_no_risk", [
 (A, G + REC), (C, "你们最近那个新发的债券基金怎么样？"), (A, "挺好的，债基嘛，比较稳，很多客户都买了。"),
 (C, "起投多少？"), (A, "一千块起投，手机银行上就能买，申购费打一折。"), (C, "行，我回头看看。")],
 dict(identity_verified=True, recording_notice=True, risk_disclosure=False, forbidden_promise=True, empathy_when_upset=True))

call("c20_dialect_guarantee", [
 (A, "喂您好，心声银行哈，咱这电话是有录音的哈。"), (C, "小伙子，我想整点理财，你给推荐推荐。"), (A, "行嘞，您先报个身份证后四位，我给您核对一下。"),
 (C, "2581。"), (A, "好嘞核对上了。您就买这个鑫安理财，年化四个多点，您就当存定期，利息只多不少，亏了算我的。"),
 (C, "真的假的？那我买十万。"), (A, "妥妥的，您去网点找我们大堂经理就行。")],
 dict(identity_verified=True, recording_notice=True, risk_disclosure=False, forbidden_promise=False, empathy_when_upset=True))

labels = []
for name, (turns, lab, ar, cr) in calls.items():
    t = 0.0
    with open(f"{OUT}/calls/{name}.jsonl", "w", encoding="utf-8") as f:
        for sp, text in turns:
            rate = ar if sp == A else cr
            end = round(t + len(text) / rate, 1)
            f.write(json.dumps({"speaker": sp, "start": round(t, 1), "end": end, "text": text}, ensure_ascii=False) + "\n")
            t = end + 0.6
    for rule, passed in lab.items():
        labels.append({"call": name, "rule": rule, "passed": passed})
with open(f"{OUT}/labels.jsonl", "w", encoding="utf-8") as f:
    for l in labels:
        f.write(json.dumps(l, ensure_ascii=False) + "\n")
print(len(calls), len(labels))
